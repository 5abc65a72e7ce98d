"""Deadline reminders: T-14, T-7, T-3 and T-1 days before the due date (DESIGN.md, "Schedules").

Each person gets at most one notification (and its e-mail) a day, listing all their items;
each item is named to a person at most once a day. What was sent is recorded in
``SentReminder`` inside the same transaction as the notification, so running the job twice,
or again after a crash halfway, sends nothing twice.

Each stage of an item (T-14 … T-1, and the first overdue day in ``escalation``) is sent
once, recorded in ``ReminderStage`` by (item, stage): on its day, or on the first run after
it when that day's run did not happen (broker down, server off over a holiday) — a missed
morning no longer skips a reminder for good. Stages from before the item existed (a notice
issued five days before its deadline has no T-14) are not sent.

Adding items from another app (rectifications, once they exist): write a function
``items(*, today, days_before)`` returning ``ReminderItem``s — ``days_before`` is a set of
day counts (T-n) to remind on, or None for "everything still open" (the admin's "send
reminders now") — and register it from that app's ``AppConfig.ready()``::

    from schedules.reminders import register_reminder_source
    register_reminder_source(rectification_reminder_items)

The job then reminds of those items with the reports, in the same daily notification.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from assessments.models import QUARTERS, Period, Report, ReportEvent, Task
from core.bulk import collector_paused, insert_rows
from core.templatetags.mingze import cn_date, due_label
from notifications.services import Message, notify_each
from responsibilities import access
from responsibilities.models import Unit
from responsibilities.selectors import responsible_people

from .common import AfterBatch, JobResult, first_url
from .models import ReminderStage, SentReminder

REMINDER_DAYS = (14, 7, 3, 1)
# A lock is told in the first daily reminder after it; one older than this is not told
# any more (an installation upgraded from per-report lock e-mails, a job off for weeks).
LOCK_NOTICE_DAYS = 7
# What a reminder names of a report, and who hears of it, read in one query for many.
REPORT_COLUMNS = (
    "pk",
    "due_on",
    "unit_id",
    "assignment__duty__code",
    "assignment__duty__title",
    "assignment__post__holder_id",
    "responsible_id",
    "quarter",
)
Stage = ReminderStage.Stage
DEADLINE_STAGES = {14: Stage.T14, 7: Stage.T7, 3: Stage.T3, 1: Stage.T1}
# People told in one transaction: their notifications and ``SentReminder`` rows are inserted
# together, and a crash loses (and the next run redoes) at most one batch.
PEOPLE_PER_BATCH = 500


@dataclass(frozen=True)
class ReminderItem:
    """Something a person must still do by ``due_on``, as a notification lists it."""

    item_type: str
    item_id: int
    person_id: int
    due_on: datetime.date
    unit: Unit | None
    code: str
    title: str
    url: str
    kind_label: str = _("Report")
    locked: bool = False  # a lock notice: the item was locked, not due
    # The first day the item could be reminded of (its period opened, it was raised or
    # issued): stages before it are not caught up.
    since: datetime.date | None = None
    # Said instead of the due date, for an item that is not a deadline (a unit behind
    # schedule in its work records: "支部委员会 3/6 · 落后 2 次").
    note: str = ""
    # (item_type, item_id): made once, being read several times an item, for tens of
    # thousands of items a day.
    key: tuple[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "key", (self.item_type, self.item_id))

    @property
    def province_id(self) -> int:
        """The province of the item's unit: the reminder rows' key (``core.provinces``)."""
        return self.unit.province_id

    def line(self, today: datetime.date, words: dict | None = None) -> ItemLine:
        return ItemLine(self, today, {} if words is None else words)


class ItemLine:
    """How a reminder names an item (报告 · 甲支部 · D1 … — 截止 …), in the language active
    when it is shown. Made here rather than by the template's tags: the day's reminders
    name some 60,000 items at province scale, and the tags cost tens of microseconds an
    item where this costs a few.

    The lines of one message share ``words``: what several of them say alike (the kind of
    item, the unit, the due date), worked out once a language for the message."""

    __slots__ = ("item", "today", "words")

    def __init__(self, item: ReminderItem, today: datetime.date, words: dict):
        self.item, self.today, self.words = item, today, words

    def __str__(self) -> str:
        return self.text(get_language())

    def text(self, language: str) -> str:
        """The line in ``language``, which must be the one active."""
        item, words = self.item, self.words
        # Keyed by the objects' identity: a lazy text hashes by translating itself. They
        # outlive the message's rendering, which is as long as ``words`` is kept.
        key = (language, id(item.kind_label), id(item.unit), item.due_on, item.locked)
        start = words.get(key)
        if start is None:
            where = f"{item.unit.label} · " if item.unit is not None else ""
            start = words[key] = (f"{item.kind_label} · {where}", self._when(item))
        kind_where, when = start
        if item.note and not item.locked:
            when = item.note
        return f"{kind_where}{item.code} {item.title} — {when}"

    def _when(self, item: ReminderItem) -> str:
        if item.locked:
            return _("was due %(due)s") % {"due": cn_date(item.due_on)}
        return due_label(item.due_on, self.today)


class ItemLines(list):
    """A message's lines (``ItemLine``s), and them as its body lists them: each on a line of
    its own after "- ", joined in one go in the language active (a template loop over the
    day's 68,000 lines cost more than making them)."""

    @property
    def bulleted(self) -> str:
        language = get_language()
        return "".join([f"\n- {line.text(language)}" for line in self])


def report_url() -> Callable[[int], str]:
    """The URL of report ``pk``, reversed once for all (60,000 reverses take seconds)."""
    pattern = reverse("assessments:report", args=[987654321])
    return lambda pk: pattern.replace("987654321", str(pk))


ReminderSource = Callable[..., Iterable[ReminderItem]]
_SOURCES: list[ReminderSource] = []


def register_reminder_source(source: ReminderSource) -> ReminderSource:
    """Add a source of reminder items (idempotent; usable as a decorator)."""
    if source not in _SOURCES:
        _SOURCES.append(source)
    return source


def reminder_sources() -> list[ReminderSource]:
    return list(_SOURCES)


@register_reminder_source
def report_reminder_items(*, today: datetime.date, days_before: Collection[int] | None) -> list[ReminderItem]:
    """Unsubmitted (draft or returned) reports of open periods, to the holder of the post
    that carries each (书记抓, 一、三): on the T-n days, or all not yet locked when
    ``days_before`` is None."""
    items = []
    for period in Period.objects.filter(state=Period.State.OPEN).order_by("due_on", "pk"):
        # Each report on its own due date's T-n days (a quarterly duty's report of the
        # first quarter in April, an annual one due 31 March in March).
        reports = Report.objects.filter(
            period=period,
            state__in=Report.EDITABLE,
            assignment__post__holder__isnull=False,
            assignment__post__holder__is_active=True,
        )
        if days_before is None:
            # After its due date and grace days only a report whose lock was waived is still owed.
            locked_by_now = today - datetime.timedelta(days=period.grace_days + 1)
            reports = reports.exclude(due_on__lte=locked_by_now, lock_waived=False)
        else:
            reports = reports.filter(due_on__in=[today + datetime.timedelta(days=n) for n in days_before])
        rows = list(
            reports.order_by("pk").values_list(
                "pk",
                "assignment__post__holder_id",
                "unit_id",
                "assignment__duty__code",
                "assignment__duty__title",
                "due_on",
                "quarter",
            )
        )
        units = Unit.objects.in_bulk({row[2] for row in rows})
        url = report_url()
        # From the period's open date: a period opened late by hand still owes the stages
        # from its open date on (its reports exist now, and the people should hear of them);
        # one opened early for a quarter's sub-deadline owes them from the day it opened.
        opened = timezone.localdate(period.opened_at) if period.opened_at else period.opens_on
        since = min(period.opens_on, opened)
        items += [
            ReminderItem(
                item_type="report",
                item_id=pk,
                person_id=holder,
                due_on=due_on,
                unit=units.get(unit_id),
                code=code,
                title=with_quarter(title, quarter),
                url=url(pk),
                since=since,
            )
            for pk, holder, unit_id, code, title, due_on, quarter in rows
        ]
    return items


def with_quarter(title: str, quarter: int) -> str:
    """A quarterly duty's report is named with its quarter (第一季度), as its own deadline:
    in the language the reminder is written in (lazy until then)."""
    return format_lazy("{}（{}）", title, QUARTERS[quarter]) if quarter else title


@register_reminder_source
def locked_report_items(*, today: datetime.date, days_before: Collection[int] | None) -> list[ReminderItem]:
    """Reports the nightly job locked (due date and grace days passed), each to the holder
    of its post and whoever was responsible, once: they join the day's one reminder of each
    person instead of an e-mail per locked report (78 in the demo's half-year)."""

    def start_of(day: datetime.date) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))

    rows = list(
        Report.objects.filter(
            state=Report.State.LOCKED,
            events__action=ReportEvent.Action.LOCK,
            events__at__gte=start_of(today - datetime.timedelta(days=LOCK_NOTICE_DAYS)),
            events__at__lt=start_of(today + datetime.timedelta(days=1)),
        )
        .order_by("pk")
        .distinct()
        .values_list(*REPORT_COLUMNS)
    )
    if not rows:
        return []
    told = set(
        SentReminder.objects.filter(item_type="report_lock", item_id__in=[row[0] for row in rows]).values_list(
            "person_id", "item_id"
        )
    )
    units = Unit.objects.in_bulk({row[2] for row in rows})
    url = report_url()
    items = []
    for pk, due_on, unit_id, code, title, holder, responsible, quarter in rows:
        for person_id in dict.fromkeys(p for p in (holder, responsible) if p):
            if (person_id, pk) in told:
                continue
            items.append(
                ReminderItem(
                    item_type="report_lock",
                    item_id=pk,
                    person_id=person_id,
                    due_on=due_on,
                    unit=units.get(unit_id),
                    code=code,
                    title=with_quarter(title, quarter),
                    url=url(pk),
                    locked=True,
                )
            )
    return items


@register_reminder_source
def task_reminder_items(*, today: datetime.date, days_before: Collection[int] | None) -> list[ReminderItem]:
    """交办 tasks awaiting feedback, like reports (T-14 … T-1): to the post's holder, else
    the unit's secretaries. Once overdue (the escalation asks with negative days) the
    unit's liaison leader is told too (三: 真管真严)."""
    tasks = Task.objects.filter(state=Task.State.ISSUED).select_related("unit", "post__holder").order_by("pk")
    if days_before is not None:
        days = sorted(days_before)
        if not days:
            return []
        tasks = tasks.filter(
            deadline__gte=today + datetime.timedelta(days=days[0]),
            deadline__lte=today + datetime.timedelta(days=days[-1]),
        )
    tasks = list(tasks)
    access.with_liaisons([task.unit for task in tasks])
    pattern = reverse("assessments:task", args=[987654321])
    items = []
    for task in tasks:
        left = (task.deadline - today).days
        if days_before is not None and left not in days_before:
            continue
        people = responsible_people(task.unit, task.post)
        if days_before is not None and left < 0 and task.unit.liaison is not None:
            people.append(task.unit.liaison)
        for person_id in dict.fromkeys(person.pk for person in people):
            items.append(
                ReminderItem(
                    item_type="task",
                    item_id=task.pk,
                    person_id=person_id,
                    due_on=task.deadline,
                    unit=task.unit,
                    code="",
                    title=task.subject,
                    url=pattern.replace("987654321", str(task.pk)),
                    kind_label=_("Assigned task"),
                    since=timezone.localdate(task.issued_at),
                )
            )
    return items


# Each deadline stage's day counted from the due date (T-14 is 14 days before it).
STAGE_OFFSETS = {stage: datetime.timedelta(days=-days) for days, stage in DEADLINE_STAGES.items()}
STAGE_OFFSETS[Stage.OVERDUE] = datetime.timedelta(days=1)


def stage_day(stage: str, due_on: datetime.date) -> datetime.date:
    """The day a stage is meant for: n days before the due date, or the day after it."""
    return due_on + STAGE_OFFSETS[stage]


def pending_stages(
    items: Iterable[ReminderItem], *, today: datetime.date, stages: Collection[str]
) -> dict[tuple[str, int], list[tuple[str, datetime.date]]]:
    """For each item (by key), its stages whose day has come (today or missed) and that
    were not sent yet; items with none are left out."""
    unique = {item.key: item for item in items}
    ids: dict[str, list[int]] = defaultdict(list)
    for item_type, item_id in unique:
        ids[item_type].append(item_id)
    # Each type's ids as a range (the reports of a period are made together, their ids
    # close): the unique index (item_type, item_id, stage) is read from one end to the
    # other, where 60,000 ids spelled out would make a query of 60,000 parameters.
    sent = set()
    for item_type, type_ids in ids.items():
        sent.update(
            ReminderStage.objects.filter(
                item_type=item_type, item_id__gte=min(type_ids), item_id__lte=max(type_ids), stage__in=list(stages)
            ).values_list("item_type", "item_id", "stage")
        )
    # The stages whose day has come depend on the due date and the first day only: worked
    # out once for each pair (a period's tens of thousands of reports share a few).
    offsets = [(stage, STAGE_OFFSETS[stage]) for stage in stages]
    come: dict[tuple, list[tuple[str, datetime.date]]] = {}
    pending = {}
    for key, item in unique.items():
        slot = (item.due_on, item.since)
        days = come.get(slot)
        if days is None:
            days = come[slot] = [
                (stage, day)
                for stage, offset in offsets
                if (day := item.due_on + offset) <= today and (item.since is None or day >= item.since)
            ]
        due = [(stage, day) for stage, day in days if (*key, stage) not in sent] if sent else days  # read only
        if due:
            pending[key] = due
    return pending


def record_stages(
    pending: dict[tuple[str, int], list[tuple[str, datetime.date]]],
    *,
    today: datetime.date,
    province_of: dict[tuple[str, int], int],
) -> None:
    """Mark the stages as sent, once all their people were told (a concurrent run's rows win).
    ``province_of``: each item's province (``ReminderItem.province_id``).

    ``pending`` left out the stages already recorded, so the rows go in as a plain insert;
    only when a concurrent run recorded some meanwhile (the unique constraint refuses the
    statement) are they inserted again skipping those — the check for a conflict on each
    row costs a third more at 100,000 rows a day."""
    columns = ("province_id", "item_type", "item_id", "stage", "stage_day", "day")
    rows = [
        (province_of[(item_type, item_id)], item_type, item_id, str(stage), day, today)
        for (item_type, item_id), due in pending.items()
        for stage, day in due
    ]
    try:
        with transaction.atomic():
            insert_rows(ReminderStage, columns, rows)
    except IntegrityError:
        insert_rows(ReminderStage, columns, rows, ignore_conflicts=True)


def reminder_message(person, fresh: list[ReminderItem], today: datetime.date) -> Message:
    """The notification telling ``person`` of ``fresh`` items."""
    url = fresh[0].url if len(fresh) == 1 else first_url("assessments:my_reports", "home")
    words: dict = {}
    context = {
        "items": fresh,
        "due": ItemLines(item.line(today, words) for item in fresh if not item.locked),
        "locked": ItemLines(item.line(today, words) for item in fresh if item.locked),
        "today": today,
        "person": person,
    }
    # The reminder templates name the items, never the person: people told of the same
    # items in the same language read the same text, rendered once.
    same_as = tuple((item.key, item.locked) for item in fresh)
    return Message(person, context, url, same_as)


def sent_rows(person, fresh: list[ReminderItem], *, today: datetime.date, kind: str, note) -> list[SentReminder]:
    return [
        SentReminder(
            person=person,
            kind=kind,
            item_type=item.item_type,
            item_id=item.item_id,
            province_id=item.province_id,
            day=today,
            days_before=(item.due_on - today).days,
            notification=note,
        )
        for item in fresh
    ]


def fresh_items(items: Iterable[ReminderItem], already: set[tuple[str, int]]) -> list[ReminderItem]:
    return sorted((item for item in items if item.key not in already), key=lambda i: (i.due_on, i.code))


def deliver(
    *,
    person,
    items: list[ReminderItem],
    today: datetime.date,
    kind: str,
    template: str,
    already: set[tuple[str, int]] | None = None,
) -> int:
    """Send ``person`` one notification naming those of ``items`` not yet named to them
    today (and, for overdue escalations, not ever); returns how many items it named.

    ``already`` may carry what a caller read for many people at once; it only saves
    queries. The ``SentReminder`` rows and the notification commit together, and a
    concurrent run that claimed the same items first makes the unique constraints refuse
    ours, so we send nothing.
    """
    if already is None:
        told = Q(day=today)
        if kind == SentReminder.Kind.OVERDUE:
            told |= Q(kind=SentReminder.Kind.OVERDUE)
        ids = [item.item_id for item in items]
        already = set(
            SentReminder.objects.filter(told, person=person, item_id__in=ids).values_list("item_type", "item_id")
        )
    fresh = fresh_items(items, already)
    if not fresh:
        return 0
    try:
        with transaction.atomic():
            made = notify_each(kind=template, template=template, messages=[reminder_message(person, fresh, today)])
            note = made[0] if made else None
            SentReminder.objects.bulk_create(sent_rows(person, fresh, today=today, kind=kind, note=note))
    except IntegrityError:
        return 0
    return len(fresh)


def deliver_batch(
    *,
    people: list[tuple[object, list[ReminderItem]]],
    today: datetime.date,
    kind: str,
    template: str,
    told: dict[int, set[tuple[str, int]]],
) -> dict[int, int]:
    """``deliver`` to many people in one transaction: their notifications in one insert,
    their ``SentReminder`` rows in another, their e-mails queued as one task. Returns how
    many items each person (by id) was told of. If a concurrent run claimed some of the
    same items first (the unique constraints refuse the batch), each person of the batch
    is delivered to on their own, which sends only what the other run did not."""
    fresh = [(person, mine) for person, items in people if (mine := fresh_items(items, told[person.pk]))]
    if not fresh:
        return {}
    try:
        with transaction.atomic():
            made = notify_each(
                kind=template, template=template, messages=[reminder_message(p, mine, today) for p, mine in fresh]
            )
            notes = {note.recipient_id: note for note in made}
            kind = str(kind)
            insert_rows(
                SentReminder,
                ("person_id", "kind", "item_type", "item_id", "province_id", "day", "days_before", "notification_id"),
                [
                    (
                        person.pk,
                        kind,
                        item.item_type,
                        item.item_id,
                        item.province_id,
                        today,
                        (item.due_on - today).days,
                        note_id,
                    )
                    for person, mine in fresh
                    for note_id in [notes[person.pk].pk if person.pk in notes else None]
                    for item in mine
                ],
            )
    except IntegrityError:
        named = {}
        for person, items in people:
            named[person.pk] = deliver(person=person, items=items, today=today, kind=kind, template=template)
        return {pk: n for pk, n in named.items() if n}
    return {person.pk: len(mine) for person, mine in fresh}


@collector_paused()
def deliver_all(
    *,
    items: Iterable[tuple[int, ReminderItem]],
    today: datetime.date,
    kind: str,
    template: str,
    result: JobResult,
    after_batch: AfterBatch | None = None,
    stages: Collection[str] | None = None,
    batch_size: int = PEOPLE_PER_BATCH,
) -> None:
    """Group (person id, item) pairs by person and ``deliver`` to each, in batches of
    ``PEOPLE_PER_BATCH`` people a transaction, in a stable order so a resumed run continues
    where it stopped.

    With ``stages``, only items with a stage due and not yet sent are named, and those
    stages are recorded once every person was told. A crash before that record is made
    is finished by the next run: whoever was told today is not told again (``SentReminder``)."""
    items = list(items)
    pending = None
    if stages is not None:
        # Lock notices have no stages: their source names each lock once (locked_report_items).
        pending = pending_stages((item for _p, item in items if not item.locked), today=today, stages=stages)
        items = [(person_id, item) for person_id, item in items if item.locked or item.key in pending]
    by_person: dict[int, dict[tuple[str, int], ReminderItem]] = defaultdict(dict)
    for person_id, item in items:
        by_person[person_id].setdefault(item.key, item)
    people = User.objects.in_bulk(list(by_person))
    # What was named today, for everyone at once. Overdue items told on an earlier day are
    # not candidates at all (escalation.overdue_report_items leaves them out).
    told: dict[int, set[tuple[str, int]]] = defaultdict(set)
    for person_id, item_type, item_id in SentReminder.objects.filter(day=today).values_list(
        "person_id", "item_type", "item_id"
    ):
        told[person_id].add((item_type, item_id))
    order = sorted(by_person)
    total = len(order)
    for start in range(0, total, batch_size):
        batch = [
            (person, list(by_person[pk].values()))
            for pk in order[start : start + batch_size]
            if (person := people.get(pk)) is not None and person.is_active
        ]
        named = deliver_batch(people=batch, today=today, kind=kind, template=template, told=told)
        for person, _items in batch:
            if named.get(person.pk):
                result.add("people told")
                result.add("items named", named[person.pk])
                result.say("%(person)s: %(n)d", person=person.username, n=named[person.pk])
        if after_batch is not None:
            after_batch(min(start + batch_size, total), total)
    if pending:
        record_stages(pending, today=today, province_of={item.key: item.province_id for _p, item in items})


def send_reminders(
    *,
    today: datetime.date,
    days_before: Collection[int] | None = REMINDER_DAYS,
    after_batch: AfterBatch | None = None,
    batch_size: int = PEOPLE_PER_BATCH,
) -> JobResult:
    """Remind each person of their unsubmitted items at the stages ``days_before`` (T-n),
    each stage of an item once, on its day or caught up on the first run after it; all
    open items, whatever the stage, when None (the admin's "send reminders now"). Once per
    person per day, never naming an item twice a day."""
    result = JobResult("send_reminders")
    stages = None
    window = days_before
    if days_before is not None:
        stages = [DEADLINE_STAGES[n] for n in days_before if n in DEADLINE_STAGES]
        # Every item due from today to the earliest stage: a stage missed is still owed
        # until the due date (after it, the overdue escalation takes over).
        window = range(0, max(days_before, default=0) + 1)
    with collector_paused():
        items = [item for source in reminder_sources() for item in source(today=today, days_before=window)]
        deliver_all(
            items=[(item.person_id, item) for item in items],
            today=today,
            kind=SentReminder.Kind.DEADLINE,
            template="deadline_reminder",
            result=result,
            after_batch=after_batch,
            stages=stages,
            batch_size=batch_size,
        )
    return result
