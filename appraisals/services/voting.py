"""Casting a ballot sheet, once, anonymously (see ``Ballot`` and ``appraisals.anonymity``)."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.errors import TransitionError

from ..anonymity import ballot_token, seal
from ..models import (
    AppraisalRound,
    BallotBox,
    BallotToken,
    Rater,
)
from ._common import State, require, round_steps

# ---------------------------------------------------------------------------------------
# Voting


def has_voted(*, round_id: int, user, province_id: int | None = None) -> bool:
    """Whether ``user`` cast their sheet in the round (``province_id``: the round's, when
    the page read it: the tokens are read on its shard)."""
    tokens = BallotToken.objects.filter(round_id=round_id, token=ballot_token(round_id=round_id, rater_id=user.pk))
    if province_id is not None:
        tokens = tokens.filter(province=province_id)
    return tokens.exists()


@transaction.atomic
def cast_ballots(
    *,
    round_id: int,
    rater,
    marks: Mapping[int, Mapping[int, int]],
    comments: Mapping[int, str] | None = None,
    province_id: int | None = None,
) -> int:
    """Record one rater's ballot sheet: a ballot for every secretary they rate (all those
    appraised but themselves), each with the marks given and an optional comment.

    ``marks`` maps appraisee id → criterion id → grade level id; a secretary with criteria
    left unmarked gets an invalid ballot (counted, not scored). Returns the number of
    ballots. The sheet is sealed into the ballot box, not written as ballots: they appear
    once the box is emptied (``counting.empty_ballot_box``). Once per rater and round: the
    token's unique constraint refuses a second sheet, also when two arrive at the same
    moment (the second waits for the first to commit, then fails). Nothing stored names or
    dates the rater (see ``Ballot``). ``province_id``: the round's, when the ballot page
    read it: the lock names it, and the round's rows are read on its shard (docs/scale.md 5).
    """
    comments = comments or {}
    # Held until commit: the admin's close (FOR UPDATE) waits for a sheet being cast, so no
    # ballot can land after the results were computed.
    rounds = AppraisalRound.objects.select_for_update(no_key=True)
    if province_id is not None:
        rounds = rounds.filter(province=province_id)
    round = rounds.get(pk=round_id)
    round_steps.expect(round, State.OPEN)
    own = {"province": round.province_id}  # the round's rows live in its province
    membership = Rater.objects.filter(round=round, person=rater, **own).first()
    require(membership is not None)
    appraisees = {a.pk for a in round.appraisees.filter(**own).exclude(person=rater)}
    criteria = set(round.criteria.filter(**own).values_list("pk", flat=True))
    points = dict(round.levels.filter(**own).values_list("pk", "points"))
    if set(marks) - appraisees or any(set(given) - criteria for given in marks.values()):
        raise TransitionError(_("The ballot does not match this round; reload the page and vote again."))
    if any(level not in points for given in marks.values() for level in given.values()):
        raise TransitionError(_("The ballot does not match this round; reload the page and vote again."))
    try:
        with transaction.atomic():
            BallotToken.objects.create(round=round, token=ballot_token(round_id=round.pk, rater_id=rater.pk))
    except IntegrityError:
        raise TransitionError(_("You have already voted in this round; a ballot cannot be cast twice.")) from None
    # The sheet goes into the ballot box, sealed; the ballots are written later, by
    # ``counting.empty_ballot_box``, in a transaction of several voters (appraisals.anonymity).
    sheet = {
        "role": membership.role,
        "ballots": [
            {
                "appraisee": pk,
                "comment": (comments.get(pk) or "").strip()[:2000],
                "marks": [[criterion, level, str(points[level])] for criterion, level in marks.get(pk, {}).items()],
            }
            for pk in sorted(appraisees)
        ],
    }
    BallotBox.objects.create(round=round, sealed=seal(round_id=round.pk, sheet=sheet))
    return len(appraisees)
