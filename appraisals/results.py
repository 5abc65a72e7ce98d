"""The arithmetic of a round's result, from its ballots (exact decimals, no floats).

For a secretary, criterion c and rater role r, with n_r valid ballots from that role:
    mean(r, c) = sum of the points given on c by those ballots / n_r
    score(c)   = Σ_r w_r · mean(r, c) / Σ_r w_r   over the roles that have valid ballots
    overall    = Σ_c W_c · score(c) / Σ_c W_c
where w_r is the role's weight and W_c the criterion's. A role nobody of which rated this
secretary drops out and the others' weights are rescaled, so a missing role does not pull
the score down; so does a role with fewer than ``ANONYMITY_FLOOR`` valid ballots for this
secretary (their mean would give the one or two raters' marks away), and only the ballots of
the roles that count are weighed against the round's minimum. A ballot is valid only when it
marks every criterion; invalid ones are counted and otherwise ignored. Below the round's
minimum of valid ballots a secretary gets no score, no grade and no rank (and nothing is
shown that could give a rater away).
Scores are rounded half up to two decimals at the end; grade and rank follow the rounded
score, which is the one people see.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, FilteredRelation, Q, Sum

from core import provinces

from .models import ANONYMITY_FLOOR, AppraisalRound, Ballot, BallotScore, GradeLevel

CENT = Decimal("0.01")


@dataclass
class Outcome:
    appraisee_id: int
    valid: int = 0
    invalid: int = 0
    criteria: dict[int, Decimal] = field(default_factory=dict)
    score: Decimal | None = None
    grade: GradeLevel | None = None
    enough: bool = False
    rank: int | None = None


def grade_for(score: Decimal, levels: list[GradeLevel]) -> GradeLevel | None:
    """The level with the highest threshold the score reaches."""
    reached = [level for level in levels if score >= level.min_score]
    return max(reached, key=lambda level: level.min_score) if reached else None


def rank(outcomes: list[Outcome]) -> None:
    """Competition ranking (1, 2, 2, 4) of those with enough ballots, highest score first."""
    ranked = sorted((o for o in outcomes if o.enough), key=lambda o: o.score, reverse=True)
    previous = None
    for position, outcome in enumerate(ranked, start=1):
        if previous is not None and outcome.score == previous.score:
            outcome.rank = previous.rank
        else:
            outcome.rank = position
        previous = outcome


def compute(round: AppraisalRound) -> list[Outcome]:
    """Every appraised secretary's outcome in ``round``, in four queries whatever the size."""
    own = {"province": round.province_id}  # a round's rows live in its province (docs/scale.md 5)
    criteria = list(round.criteria.filter(**own))
    levels = list(round.levels.filter(**own))
    role_weights = round.role_weights()
    needed = len(criteria)
    outcomes = {pk: Outcome(appraisee_id=pk) for pk in round.appraisees.filter(**own).values_list("pk", flat=True)}

    # Each ballot's marks counted through a join whose ON names the province (its scores
    # are its own province's): on Citus a co-located outer join (docs/scale.md 5).
    ballots = (
        Ballot.objects.filter(round=round, **own)
        .annotate(own_scores=FilteredRelation("scores", condition=Q(scores__province=F("province"))))
        .annotate(marked=Count("own_scores"))
    )
    valid_by_role: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for appraisee_id, role, marked in ballots.values_list("appraisee_id", "rater_role", "marked"):
        outcome = outcomes[appraisee_id]
        if needed and marked == needed:
            outcome.valid += 1
            valid_by_role[appraisee_id][role] += 1
        else:
            outcome.invalid += 1

    sums: dict[tuple[int, int, str], Decimal] = {}
    valid_ids = ballots.filter(marked=needed).values("pk")
    for row in (
        BallotScore.objects.filter(ballot__in=valid_ids, **own)
        .filter(provinces.joined("ballot"))  # its ballot within its province
        .values("ballot__appraisee_id", "ballot__rater_role", "criterion_id")
        .annotate(total=Sum("points"))
    ):
        sums[row["ballot__appraisee_id"], row["criterion_id"], row["ballot__rater_role"]] = row["total"]

    criterion_weight_total = sum((c.weight for c in criteria), Decimal(0))
    for outcome in outcomes.values():
        # The anonymity floor, per secretary and role: one or two valid ballots of a role
        # would give their marks away in the mean, so that role is left out (withheld).
        roles = {r: n for r, n in valid_by_role.get(outcome.appraisee_id, {}).items() if n >= ANONYMITY_FLOOR}
        outcome.enough = bool(roles) and sum(roles.values()) >= max(round.min_valid_ballots, ANONYMITY_FLOOR)
        role_weight_total = sum((role_weights[role] for role in roles), Decimal(0))
        if not outcome.enough or not roles or not role_weight_total or not criterion_weight_total:
            continue
        overall = Decimal(0)
        for criterion in criteria:
            weighted = sum(
                (
                    role_weights[role] * sums.get((outcome.appraisee_id, criterion.pk, role), Decimal(0)) / n
                    for role, n in roles.items()
                ),
                Decimal(0),
            )
            score = weighted / role_weight_total
            outcome.criteria[criterion.pk] = score.quantize(CENT, ROUND_HALF_UP)
            overall += criterion.weight * score
        outcome.score = (overall / criterion_weight_total).quantize(CENT, ROUND_HALF_UP)
        outcome.grade = grade_for(outcome.score, levels)
    result = list(outcomes.values())
    rank(result)
    return result
