"""Reads of 述职评议 that views, tasks and the schedules share. Each runs a fixed number of
queries, whatever the number of secretaries or ballots."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, F, FilteredRelation, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce

from core import provinces

from .anonymity import ballot_token
from .models import AppraisalResult, AppraisalRound, Appraisee, Ballot, BallotToken, CriterionResult, Rater

State = AppraisalRound.State


def _count(model, **filters):
    return Coalesce(
        Subquery(
            model.objects.filter(provinces.beside(), round=OuterRef("pk"), **filters)
            .order_by()
            .values("round")
            .annotate(n=Count("pk"))
            .values("n")
        ),
        0,
    )


def rounds_with_counts():
    """Every round with its numbers of secretaries, raters and ballot sheets cast."""
    return (
        AppraisalRound.objects.annotate(
            n_appraisees=_count(Appraisee),
            n_raters=_count(Rater),
            n_voted=_count(BallotToken),
            n_submitted=_count(Appraisee, submitted_at__isnull=False),
        )
        .select_related("organization")
        .order_by("-year", "organization__path")
    )


def round_with_counts(round: AppraisalRound) -> AppraisalRound:
    """``round`` again with its counts, read in its province (docs/scale.md 5)."""
    return rounds_with_counts().get(pk=round.pk, province=round.province_id)


def appraisees_of(round: AppraisalRound):
    """The round's secretaries, read in its province (its shard on Citus). Each one's post
    may lie in another province now (a branch moved to another tree: a key of
    ``core.province_keys.CROSSING``), so it is joined by id."""
    return (
        round.appraisees.filter(province=round.province_id)
        .select_related("person", "unit", "post")
        .order_by("unit__path")
    )


def raters_by_role(round: AppraisalRound) -> dict[str, list[Rater]]:
    grouped: dict[str, list[Rater]] = {}
    for rater in (
        round.raters.filter(province=round.province_id).select_related("person").order_by("role", "person__username")
    ):
        grouped.setdefault(rater.role, []).append(rater)
    return grouped


def voted_round_ids(user, round_ids) -> set[int]:
    """Which of ``round_ids`` ``user`` has voted in: one query over the tokens."""
    tokens = {ballot_token(round_id=pk, rater_id=user.pk): pk for pk in round_ids}
    if not tokens:
        return set()
    return {tokens[t] for t in BallotToken.objects.filter(token__in=list(tokens)).values_list("token", flat=True)}


@dataclass
class RaterTask:
    round: AppraisalRound
    voted: bool


def my_appraisal(user) -> dict:
    """A person's own 述职评议: the rounds they are appraised in (with their report and, once
    published, their result) and the open rounds in which they rate."""
    appraised = list(
        Appraisee.objects.filter(person=user)
        # Its round, and its result and grade when there are any, within its province: the
        # outer joins carry it in their ON (``own_result``, ``own_grade``), which Citus needs
        # to join distributed tables so (docs/scale.md 5).
        .filter(provinces.joined("round"))
        .annotate(
            own_result=FilteredRelation("result", condition=Q(result__province=F("province"))),
            own_grade=FilteredRelation("own_result__grade", condition=Q(own_result__grade__province=F("province"))),
        )
        .exclude(round__state=State.DRAFT)
        .select_related("round", "unit", "own_result", "own_grade")
        .order_by("-round__year")
    )
    rating = list(
        AppraisalRound.objects.filter(raters__person=user, raters__province=F("province"), state=State.OPEN)
        .order_by("-year")
        .distinct()
    )
    voted = voted_round_ids(user, [r.pk for r in rating])
    return {"appraised": appraised, "rating": [RaterTask(round=r, voted=r.pk in voted) for r in rating]}


def _with_grade(results):
    """``results`` (appraisal results) with each one's grade, when it has one, read in the
    same query and within its province: the outer join carries it in its ON, which Citus
    needs to join distributed tables so (docs/scale.md 5)."""
    return results.annotate(
        own_grade=FilteredRelation("grade", condition=Q(grade__province=F("province")))
    ).select_related("own_grade")


def _graded(result: AppraisalResult) -> AppraisalResult:
    result.grade = getattr(result, "own_grade", None)  # (None: no grade; the join found none)
    return result


def _criteria(province: int):
    """A result's per-criterion scores with their criterion, joined within the province."""
    return (
        CriterionResult.objects.filter(province=province)
        .filter(provinces.joined("criterion"))
        .select_related("criterion")
        .order_by("criterion__order", "criterion_id")
    )


def results_table(round: AppraisalRound) -> list[AppraisalResult]:
    """The ranking: ranked secretaries first by rank, then those without enough ballots.
    Read in the round's province (its shard on Citus)."""
    rows = (
        _with_grade(AppraisalResult.objects.filter(appraisee__round=round, province=round.province_id))
        .filter(provinces.joined("appraisee"))
        .select_related("appraisee__person", "appraisee__unit")
        .prefetch_related(Prefetch("criteria", queryset=_criteria(round.province_id)))
    )
    return sorted((_graded(r) for r in rows), key=lambda r: (r.rank is None, r.rank or 0, r.appraisee.unit.path))


def result_of(appraisee: Appraisee) -> tuple[AppraisalResult | None, list[CriterionResult]]:
    """One secretary's result (None before the close) and its per-criterion scores."""
    result = _with_grade(AppraisalResult.objects.filter(appraisee=appraisee, province=appraisee.province_id)).first()
    if result is None:
        return None, []
    return _graded(result), list(_criteria(appraisee.province_id).filter(result=result))


def ranked_count(round: AppraisalRound) -> int:
    return (
        AppraisalResult.objects.filter(appraisee__round=round, province=round.province_id, rank__isnull=False)
        .filter(provinces.joined("appraisee"))
        .count()
    )


def comments_on(appraisee: Appraisee) -> list[str]:
    """The comments raters left, in alphabetical order — never in the order they were cast,
    never with their marks or the rater's role beside them."""
    return sorted(
        text
        for text in Ballot.objects.filter(appraisee=appraisee, province=appraisee.province_id)
        .exclude(comment="")
        .values_list("comment", flat=True)
    )


def raters_yet_to_vote(round: AppraisalRound) -> list:
    """The raters of an open round who have not voted, for reminders. Only the server can
    tell (it holds the secret the tokens are made with); no page shows this list."""
    cast = set(BallotToken.objects.filter(round=round).values_list("token", flat=True))
    return [
        rater.person
        for rater in round.raters.select_related("person")
        if ballot_token(round_id=round.pk, rater_id=rater.person_id) not in cast
    ]
