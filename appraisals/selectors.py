"""Reads of 述职评议 that views, tasks and the schedules share. Each runs a fixed number of
queries, whatever the number of secretaries or ballots."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, F, OuterRef, Prefetch, Subquery
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


def round_with_counts(pk: int) -> AppraisalRound:
    return rounds_with_counts().get(pk=pk)


def appraisees_of(round: AppraisalRound):
    return round.appraisees.select_related("person", "unit", "post").order_by("unit__path")


def raters_by_role(round: AppraisalRound) -> dict[str, list[Rater]]:
    grouped: dict[str, list[Rater]] = {}
    for rater in round.raters.select_related("person").order_by("role", "person__username"):
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
        # Its round and result within its province (docs/scale.md 5).
        .filter(provinces.joined("round"), provinces.joined_if_set("result"))
        .filter(provinces.joined_if_set("result__grade", via="result"))
        .exclude(round__state=State.DRAFT)
        .select_related("round", "unit", "result__grade")
        .order_by("-round__year")
    )
    rating = list(
        AppraisalRound.objects.filter(raters__person=user, raters__province=F("province"), state=State.OPEN)
        .order_by("-year")
        .distinct()
    )
    voted = voted_round_ids(user, [r.pk for r in rating])
    return {"appraised": appraised, "rating": [RaterTask(round=r, voted=r.pk in voted) for r in rating]}


def results_table(round: AppraisalRound) -> list[AppraisalResult]:
    """The ranking: ranked secretaries first by rank, then those without enough ballots."""
    rows = (
        AppraisalResult.objects.filter(appraisee__round=round)
        .select_related("appraisee__person", "appraisee__unit", "grade")
        .prefetch_related(
            Prefetch(
                "criteria", queryset=CriterionResult.objects.select_related("criterion").order_by("criterion__order")
            )
        )
    )
    return sorted(rows, key=lambda r: (r.rank is None, r.rank or 0, r.appraisee.unit.path))


def ranked_count(round: AppraisalRound) -> int:
    return AppraisalResult.objects.filter(appraisee__round=round, rank__isnull=False).count()


def comments_on(appraisee: Appraisee) -> list[str]:
    """The comments raters left, in alphabetical order — never in the order they were cast,
    never with their marks or the rater's role beside them."""
    return sorted(
        text
        for text in Ballot.objects.filter(appraisee=appraisee).exclude(comment="").values_list("comment", flat=True)
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
