"""Emptying the ballot box into the ballot tables, in batches that no voter is alone in
(the design and its limits: ``appraisals.anonymity``)."""

from __future__ import annotations

import random
from decimal import Decimal

from django.db import transaction
from django.db.models import F

from core import provinces

from ..anonymity import unseal
from ..models import ANONYMITY_FLOOR, AppraisalRound, Ballot, BallotBox, BallotScore

# A transaction that writes ballots holds the sheets of at least this many voters …
BATCH_FLOOR = ANONYMITY_FLOOR
# … and at most about this many (a bigger box is emptied in several transactions).
BATCH_SIZE = 50


def empty_ballot_box(*, round_id: int | None = None) -> int:
    """Count the sealed sheets of open rounds (of ``round_id`` only, if given): each batch
    of at least ``BATCH_FLOOR`` sheets in a transaction of its own; fewer wait for more
    voters or for the close. Returns the number of sheets counted. Safe to run twice at
    once: a sheet is taken under a row lock and skipped by the other run."""
    waiting = BallotBox.objects.filter(provinces.joined("round"), round__state=AppraisalRound.State.OPEN)
    if round_id is not None:
        waiting = waiting.filter(round_id=round_id)
    counted = 0
    # Each round with its province (a sheet's is its round's): a batch's transaction locks
    # and reads that province's rows only, one shard's on Citus (docs/scale.md 5).
    for pk, province in sorted(set(waiting.values_list("round_id", "province_id"))):
        while True:
            with transaction.atomic():
                # The round's row first, as a voter takes it: the close (FOR UPDATE) waits for
                # this batch, and this batch for the close, so no sheet is left behind.
                round = AppraisalRound.objects.select_for_update(no_key=True).filter(pk=pk, province=province).first()
                if round is None or round.state != AppraisalRound.State.OPEN:
                    break
                batch = _take(pk, final=False, province=province)
                if not batch:
                    break
                _write(pk, batch)
                counted += len(batch)
    return counted


def empty_at_close(round: AppraisalRound) -> int:
    """Count every sheet left in ``round``'s box, in the close's transaction (the caller's,
    which holds the round's row lock, so no sheet can arrive meanwhile). When only one or
    two are left, the round's earlier ballots are rewritten in the same transaction, so
    that this group too holds more voters than the remainder."""
    batch = _take(round.pk, final=True, province=round.province_id)
    if not batch:
        return 0
    if len(batch) < BATCH_FLOOR:
        Ballot.objects.filter(round=round, province=round.province_id).update(comment=F("comment"))
        BallotScore.objects.filter(ballot__round=round, province=round.province_id).filter(
            provinces.joined("ballot")
        ).update(points=F("points"))
    _write(round.pk, batch)
    return len(batch)


def _take(round_id: int, *, final: bool, province: int) -> list[BallotBox]:
    """Lock a batch of waiting sheets of the round (in ``province``, its own) in random
    order, or none when too few wait."""
    waiting = BallotBox.objects.filter(round_id=round_id, province=province)
    available = waiting.count()
    if not available or (available < BATCH_FLOOR and not final):
        return []
    # Take them all when a full batch would leave fewer than the floor behind.
    limit = available if final or available - BATCH_SIZE < BATCH_FLOOR else BATCH_SIZE
    # At the close nothing else holds the sheets (the round's lock keeps the job out).
    batch = list(waiting.select_for_update(skip_locked=not final).order_by("?")[:limit])
    if len(batch) < BATCH_FLOOR and not final:
        return []  # another run holds the rest; they are counted next time
    return batch


def _write(round_id: int, batch: list[BallotBox]) -> None:
    """Open the sheets, write their ballots and scores shuffled together, empty the box."""
    rng = random.SystemRandom()
    ballots: list[Ballot] = []
    marks: dict[int, list] = {}
    for sheet in (unseal(round_id=round_id, sealed=box.sealed) for box in batch):
        for entry in sheet["ballots"]:
            ballot = Ballot(
                round_id=round_id, appraisee_id=entry["appraisee"], rater_role=sheet["role"], comment=entry["comment"]
            )
            marks[id(ballot)] = entry["marks"]
            ballots.append(ballot)
    rng.shuffle(ballots)
    Ballot.objects.bulk_create(ballots)
    scores = [
        BallotScore(ballot=ballot, criterion_id=criterion, level_id=level, points=Decimal(points))
        for ballot in ballots
        for criterion, level, points in marks[id(ballot)]
    ]
    rng.shuffle(scores)
    BallotScore.objects.bulk_create(scores)
    # Emptied within the round's province, where ``_take`` found them (one shard's on Citus).
    BallotBox.objects.filter(province=batch[0].province_id, pk__in=[box.pk for box in batch]).delete()
