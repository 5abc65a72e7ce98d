"""Entering work records (履责纪实): create, change, record, attach files — each step one
transaction, kept as an event (留痕), its files checked like report evidence.

The speech asks to carry the work down to the branch (一、二 "把工作重心向党支部延伸") and
against formalism (三、一 "坚决反对形式主义"): a record is entered once, as the work
happens, and counts wherever it applies — ``record_duties`` says where, and is the one
place both the counts against required frequencies and the report's draft read it from.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from core.attachments import fill_all
from core.errors import TransitionError
from core.transitions import Transitions
from responsibilities import access
from responsibilities.models import Assignment, Duty, WorkType

from .models import RecordFile, WorkRecord, WorkRecordEvent

machine = Transitions(
    WorkRecord,
    events=WorkRecordEvent,
    owner=lambda record: {"record": record},
    related=("unit",),
    message=_("This record is now “%(state)s”; it was not changed. Reload the page."),
)
Action = WorkRecordEvent.Action

# The fields a person fills in; the rest (unit, state, who and when) are the service's.
FIELDS = ("kind", "held_on", "place", "topic", "present", "expected", "participant_names", "minutes", "notes")


@dataclass
class RecordInput:
    """What the form (or an import row) gives for one record."""

    kind: str
    held_on: object
    topic: str
    place: str = ""
    present: int | None = None
    expected: int | None = None
    minutes: str = ""
    notes: str = ""
    participant_names: str = ""
    participants: list = field(default_factory=list)  # users, for a 谈心谈话
    extra_duties: list = field(default_factory=list)  # duties ticked beyond the automatic ones
    uploads: list = field(default_factory=list)


# ---------------------------------------------------------------------------------------
# Which duties a record counts for


def _assignments_of(unit_id: int, post_id: int | None) -> QuerySet:
    """The active assignments a record of the unit (or, for a leader's own record, of the
    post) counts against."""
    rows = Assignment.objects.filter(active=True, duty__active=True)
    if post_id is not None:
        return rows.filter(post_id=post_id)
    return rows.filter(unit_id=unit_id)


def counted_duties(unit_id: int, post_id: int | None = None) -> QuerySet:
    """The duties of the unit (or post) that count records of some type: what a person may
    tick beyond the automatic ones. Newest checklist first."""
    duty_ids = _assignments_of(unit_id, post_id).values("duty_id")
    return Duty.objects.filter(pk__in=duty_ids).exclude(record_type="").order_by("-checklist__year", "code")


def record_duties(record: WorkRecord, extra: Iterable = ()) -> list[int]:
    """The ids of the duties ``record`` counts for: the unit's (or, when ``record.post`` is
    set, the post's) assigned active duties whose ``record_type`` is the record's kind, plus
    those of ``extra`` (duties or ids) that are among the unit's counted duties — anything
    else ticked is ignored, never trusted. Sets ``record.duties`` and returns the ids."""
    countable = counted_duties(record.unit_id, record.post_id)
    wanted = {getattr(duty, "pk", duty) for duty in extra}
    ids = sorted(
        set(
            countable.filter(Q(record_type=record.kind) | Q(pk__in=[pk for pk in wanted if pk])).values_list(
                "pk", flat=True
            )
        )
    )
    record.duties.set(ids)
    return ids


# ---------------------------------------------------------------------------------------
# Steps


def _check(actor, unit_id: int) -> None:
    if not access.may_record_work(actor, unit_id):
        raise TransitionError(_("You do not record work for this unit."))


def _fill(record: WorkRecord, data: RecordInput, *, keep_notes: bool) -> None:
    for name in FIELDS:
        if name != "notes":
            setattr(record, name, getattr(data, name))
    if not keep_notes:
        # Only a 谈心谈话 keeps private notes (other records' minutes are for the readers).
        record.notes = data.notes if record.kind == WorkType.TALK else ""


def _attach(record: WorkRecord, uploads, actor) -> list[RecordFile]:
    files = fill_all(lambda: RecordFile(record=record), uploads, actor=actor)
    for stored in files:
        machine.record(record, actor=actor, action=Action.FILE_ADDED, before=record.state, comment=stored.original_name)
    return files


def create_record(*, unit, actor, data: RecordInput, record_now: bool = True, post=None, note: str = "") -> WorkRecord:
    """Enter a record for ``unit``: recorded at once (it counts from now on) or kept as a
    draft to complete later. Refused files leave nothing behind (``EvidenceError``)."""
    _check(actor, unit.pk)
    if post is not None and (post.unit_id != unit.pk or not access.may_file(actor, post.pk)):
        raise TransitionError(_("You do not record work for this post."))
    with transaction.atomic():
        record = WorkRecord(unit=unit, post=post, recorded_by=actor, state=WorkRecord.State.DRAFT)
        _fill(record, data, keep_notes=False)
        record.save()
        record.participants.set(data.participants)
        machine.record(record, actor=actor, action=Action.CREATE, comment=note)
        _attach(record, data.uploads, actor)
        if record_now:
            machine.move(record, WorkRecord.State.RECORDED, actor=actor, action=Action.RECORD, fields=["updated_at"])
        record_duties(record, data.extra_duties)
    return record


def update_record(
    *, record_id: int, actor, data: RecordInput, record_now: bool = False, province_id: int | None = None
) -> WorkRecord:
    """Change a draft (and record it, with ``record_now``). A recorded record is kept as
    it was: it already counts, and what counted stays (留痕). The notes of a talk are kept
    as they were when ``actor`` may not read them (a 党务干事 completing a secretary's
    draft). ``province_id``: the record's, when the caller read it (locked on its shard,
    docs/scale.md 5)."""
    with transaction.atomic():
        record = machine.lock(record_id, province=province_id)
        _check(actor, record.unit_id)
        machine.expect(record, WorkRecord.State.DRAFT)
        keep_notes = not access.may_read_talk_notes(actor, record)
        _fill(record, data, keep_notes=keep_notes)
        record.save()
        record.participants.set(data.participants)
        machine.record(record, actor=actor, action=Action.EDIT, before=record.state)
        _attach(record, data.uploads, actor)
        if record_now:
            machine.move(record, WorkRecord.State.RECORDED, actor=actor, action=Action.RECORD, fields=["updated_at"])
        record_duties(record, data.extra_duties)
    return record


def add_files(*, record_id: int, actor, uploads, province_id: int | None = None) -> list[RecordFile]:
    """Attach photos or scans to a record, drafts and recorded ones alike (a sign-in sheet
    scanned the day after). ``province_id``: as ``update_record``'s."""
    with transaction.atomic():
        record = machine.lock(record_id, province=province_id)
        _check(actor, record.unit_id)
        return _attach(record, uploads, actor)
