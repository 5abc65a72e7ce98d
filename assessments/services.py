"""Every change to periods, reports and evidence goes through these functions.

Each report transition is one atomic step (DESIGN.md, "Report life"): it locks the row
with ``select_for_update``, checks the state it expects and the actor's permission, writes
the change and its ``ReportEvent`` together, and queues notifications on commit. Two
reviewers acting at once cannot both win: the second sees the new state and is refused
with a plain message.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Collection
from contextlib import nullcontext
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Max, Value
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import provinces
from core.attachments import fill_attachment
from core.errors import EvidenceError, PeriodClosedError, TransitionError
from core.events import create_events
from core.transitions import Transitions, require
from core.uploads import check_upload
from responsibilities.models import Assignment, Cadence, DueWindow, Duty, UnitKind

from . import due, permissions, tally
from .models import Evidence, Grade, Half, Period, PeriodEvent, Report, ReportEvent, UnitPlan

State = Report.State
Action = ReportEvent.Action

# The domain's errors and the upload check, under the names callers have always used.
__all__ = ["EvidenceError", "PeriodClosedError", "TransitionError", "check_upload"]


def ensure_period_open(period_id: int) -> None:
    """Refuse any change to a closed period (DESIGN.md, "Report life": a closed period is
    frozen) — the one check every report transition, evidence change, score recompute and
    bonus goes through.

    On PostgreSQL the period row is held FOR SHARE until the caller's transaction ends:
    changes within a period do not wait for each other, but a close (FOR UPDATE on the
    row) waits for those under way and every later one sees it closed, so no change slips
    in beside the scores being computed."""
    queryset = Period.objects.filter(pk=period_id).values_list("state", flat=True)
    if connection.vendor == "postgresql":
        sql, params = queryset.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"{sql} FOR SHARE", params)
            row = cursor.fetchone()
        state = row[0] if row else None
    else:  # SQLite: one writer at a time already
        state = queryset.first()
    if state == Period.State.CLOSED:
        raise PeriodClosedError(
            _("This period is closed: nothing in it can change until an administrator reopens it with a reason.")
        )


reports = Transitions(
    Report,
    events=ReportEvent,
    owner=lambda report: {"report": report},
    related=("period", "unit", "assignment__duty", "assignment__post"),
    joined=provinces.joined("assignment", "assignment__post"),
    guard=lambda report: ensure_period_open(report.period_id),
    message=gettext_lazy(
        "This report is now “%(state)s”; the action was not taken. Reload the page to see its latest state."
    ),
)

# ---------------------------------------------------------------------------------------
# Periods


def get_or_create_period(*, year: int, half: int) -> Period:
    """The period of ``year``/``half``, created with the default dates when missing."""
    period, _created = Period.objects.get_or_create(year=year, half=half, defaults=Period.default_dates(year, half))
    return period


def cadences_in(half: int) -> list[str]:
    """Which cadences report in a half (一、三 每半年): annual duties only in the second."""
    every_half = [Cadence.SEMIANNUAL, Cadence.QUARTERLY, Cadence.ONGOING]
    return every_half + [Cadence.ANNUAL] if half == Half.SECOND else every_half


def assignments_for(period: Period):
    """The active assignments that report in ``period``: one report each when it opens."""
    return Assignment.objects.filter(
        active=True,
        unit__active=True,
        duty__active=True,
        duty__checklist__year=period.year,
        duty__cadence__in=cadences_in(period.half),
    )


@dataclass
class OpenResult:
    period: Period
    created: int
    existing: int


def open_period(
    *, period: Period, batch_size: int = 5000, after_batch: Callable[[int], None] | None = None
) -> OpenResult:
    """Open ``period``: one draft report per active assignment whose cadence falls in it
    (one per quarter of the half for a quarterly duty), each with its own due date.

    Safe to run twice and to resume after a crash: reports are inserted in batches with
    the (assignment, period, quarter) unique constraint deciding, so a second run creates nothing
    twice. The period is marked open only after the last batch, and counted in the
    per-period tally then, in the same transaction (``assessments.tally``). ``after_batch`` is
    called with the running count after each batch (progress, and the crash tests).
    """
    before = period.reports.count()
    ids = list(assignments_for(period).order_by("pk").values_list("pk", flat=True))
    dues = _due_rows(period)
    # A period not yet open is counted in the per-period tally once, when it opens, not
    # batch by batch (no page shows it before: the dashboard's periods are open or closed).
    counted_at_opening = period.state == Period.State.SCHEDULED and connection.vendor == "postgresql"
    done = created = 0
    for start in range(0, len(ids), batch_size):
        chunk = ids[start : start + batch_size]
        with (
            transaction.atomic(),
            connection.cursor() as cursor,
            tally.opening(cursor) if counted_at_opening else nullcontext(),
        ):
            created += _insert_drafts(period=period, first=chunk[0], last=chunk[-1], dues=dues)
        done += len(chunk)
        if after_batch is not None:
            after_batch(done)
    with transaction.atomic():
        Period.objects.filter(pk=period.pk, state=Period.State.SCHEDULED).update(
            state=Period.State.OPEN, opened_at=timezone.now()
        )
        if counted_at_opening:
            with connection.cursor() as cursor:
                tally.refill(cursor, period.pk)
    period.refresh_from_db()
    return OpenResult(period=period, created=created, existing=before)


def _due_rows(period: Period) -> list[tuple[str, int, int, int, datetime.date]]:
    """(due window, month or 0, day or 0, quarter, due date) of each report a duty reporting
    in ``period`` makes (``assessments.due``): read once from the duties, not per batch."""
    windows = (
        Duty.objects.filter(active=True, checklist__year=period.year, cadence__in=cadences_in(period.half))
        .order_by()
        .values_list("due_window", "due_month", "due_day")
        .distinct()
    )
    return [
        (window, month or 0, day or 0, quarter, due_on)
        for window, month, day in sorted(windows, key=str)
        for quarter, due_on in due.due_dates(period, window, month, day)
    ]


def _insert_drafts(*, period: Period, first: int, last: int, dues: list) -> int:
    """INSERT … SELECT the draft reports of the assignments with ids in [first, last]; the
    number inserted. The rows are made by the database, never built as Python objects,
    which is what keeps 60,000 reports within DESIGN.md's 10 seconds. One statement for
    the batch: each assignment joined to the due rows of its duty's window (``dues``), so
    a quarterly duty makes one report per quarter of the half, each with its own due date
    and quarter. Fields this does not name get their model default, so a field added to
    Report later needs no change here; the unique (province, assignment, period, quarter)
    constraint skips reports that exist (a re-run, a resumed crash).
    """
    if not dues:
        return 0
    # No ordering: the rows are inserted as the join yields them.
    rows = assignments_for(period).filter(pk__gte=first, pk__lte=last).order_by()
    now = timezone.now()
    given = {
        "assignment": F("pk"),
        "period": Value(period.pk),
        "unit": F("unit_id"),
        "province": F("unit__province_id"),  # core.provinces: the unit's root
        "category": F("duty__category_id"),
        "responsible": F("post__holder_id"),
        "created_at": Value(now, output_field=Report._meta.get_field("created_at")),
        "updated_at": Value(now, output_field=Report._meta.get_field("updated_at")),
    }
    from_dues = ("due_on", "quarter")  # the joined due row's
    quote = connection.ops.quote_name
    columns, values = [], {}
    for field in Report._meta.concrete_fields:
        if field.primary_key or field.name in from_dues:
            continue
        if field.name in given:
            expression = given[field.name]
        elif field.null and not field.has_default():
            continue
        else:
            expression = Value(field.get_default(), output_field=field)
        columns.append(quote(field.column))
        values[f"v{len(values)}"] = expression
    window = {"w_window": F("duty__due_window"), "w_month": F("duty__due_month"), "w_day": F("duty__due_day")}
    sql, params = rows.values(**values, **window).query.sql_with_params()
    # PostgreSQL types a VALUES list from its values: cast them. SQLite has no date type
    # (a cast to one would make the date a number): its values go as they are.
    typed = "(%s, CAST(%s AS integer), CAST(%s AS integer), CAST(%s AS smallint), CAST(%s AS date))"
    due_sql = ", ".join(typed if connection.vendor == "postgresql" else "(%s, %s, %s, %s, %s)" for _ in dues)
    selected = ", ".join(f"s.{quote(alias)}" for alias in values)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(Report._meta.db_table)} ({', '.join(columns)}, "
            f"{quote(Report._meta.get_field('due_on').column)}, {quote(Report._meta.get_field('quarter').column)}) "
            # The due rows' columns by the names both PostgreSQL and SQLite give a VALUES
            # list (column1: window, 2: month, 3: day, 4: quarter, 5: due date); SQLite
            # names no columns of a derived table and needs a WHERE before ON CONFLICT.
            f"SELECT {selected}, w.column5, w.column4 FROM ({sql}) s "
            f"JOIN (VALUES {due_sql}) w "
            "ON s.w_window = w.column1 AND COALESCE(s.w_month, 0) = w.column2 "
            "AND COALESCE(s.w_day, 0) = w.column3 WHERE TRUE "
            "ON CONFLICT (province_id, assignment_id, period_id, quarter) DO NOTHING",
            [*params, *(value for row in dues for value in row)],
        )
        return cursor.rowcount


def opening_day(period: Period) -> datetime.date:
    """The day ``period`` opens: its open date, or earlier when a quarterly duty's first
    sub-deadline would come before it (it opens ``MINGZE_REPORT_WINDOW_DAYS`` before that
    sub-deadline, so the report is never due the day it is made)."""
    window = datetime.timedelta(days=settings.MINGZE_REPORT_WINDOW_DAYS)
    day = period.opens_on
    if assignments_for(period).filter(duty__due_window=DueWindow.QUARTERLY).exists():
        first = min(d for _q, d in due.due_dates(period, DueWindow.QUARTERLY, None, None))
        day = min(day, first - window)
    return day


def closing_day(period: Period) -> datetime.date:
    """The last day of review of ``period``: its review-due date, moved on by as much as
    its latest report's own due date is after the period's (an annual duty due 31 March
    is reviewed as long after it as a half-year report after 10 January)."""
    latest = period.reports.aggregate(latest=Max("due_on"))["latest"] or period.due_on
    return period.review_due_on + max(latest - period.due_on, datetime.timedelta(0))


@transaction.atomic
def reopen_period(*, period_id: int, actor, reason: str) -> Period:
    """Closed → open by an admin, with the reason (a ``PeriodEvent``). Its stored scores
    stay until the period closes again, when they are computed afresh (the nightly
    lock_and_close closes it once its review-due date has passed; an admin may move that
    date first on the periods page)."""
    if not (reason or "").strip():
        raise TransitionError(_("Give the reason for reopening the period."))
    period = Period.objects.select_for_update().get(pk=period_id)
    require(permissions.can_reopen_period(actor))
    if period.state != Period.State.CLOSED:
        raise TransitionError(
            _("This period is “%(state)s”, not closed; nothing was reopened.") % {"state": period.get_state_display()}
        )
    period.state = Period.State.OPEN
    period.closed_at = None
    period.save(update_fields=["state", "closed_at"])
    PeriodEvent.objects.create(
        period=period,
        actor=actor,
        action=PeriodEvent.Action.REOPEN,
        comment=reason.strip(),
        from_state=Period.State.CLOSED,
        to_state=Period.State.OPEN,
    )
    return period


# ---------------------------------------------------------------------------------------
# Report transitions


def resubmission_deadline(today: datetime.date | None = None) -> datetime.date:
    """The last day a report returned (or reopened) today may be resubmitted."""
    today = today or timezone.localdate()
    return today + datetime.timedelta(days=settings.MINGZE_RESUBMIT_DAYS)


def _after_commit(event: ReportEvent) -> None:
    from .notifications import report_event_notifications

    transaction.on_commit(lambda: report_event_notifications(event.pk))


@transaction.atomic
def save_report(
    *,
    report_id: int,
    actor,
    content: str,
    self_assessment: str = "",
    plan: str | None = None,
    province_id: int | None = None,
) -> Report:
    """Keep what the secretary typed, while the report is a draft or returned; ``plan``
    (the unit's last open report only): its plan for the next half year."""
    report = reports.lock(report_id, province=province_id)
    require(permissions.can_file(actor, report))
    reports.expect(report, *Report.EDITABLE)
    report.content = content
    report.self_assessment = self_assessment
    report.save(update_fields=["content", "self_assessment", "updated_at"])
    _keep_plan(report, actor, plan)
    return report


def is_last_open(report: Report) -> bool:
    """Whether ``report`` is the last of its unit's reports of the period still to file (a
    draft or returned one): its page then asks for the unit's plan for the next half."""
    if report.state not in Report.EDITABLE:
        return False
    others = Report.objects.filter(period=report.period_id, unit=report.unit_id, state__in=Report.EDITABLE)
    return not others.exclude(pk=report.pk).exists()


def _keep_plan(report: Report, actor, plan: str | None) -> None:
    """Write the unit's plan for the next half (None: the page did not ask for it). Only
    from the unit's last open report, by whoever may file it — the caller checked both."""
    if plan is None:
        return
    if len(plan) > UnitPlan.MAX_LENGTH:
        raise TransitionError(_("The plan is too long."))
    if not plan.strip():
        UnitPlan.objects.filter(period=report.period_id, unit=report.unit_id).delete()
        return
    UnitPlan.objects.update_or_create(
        period_id=report.period_id, unit_id=report.unit_id, defaults={"text": plan.strip(), "written_by": actor}
    )


@transaction.atomic
def submit_report(
    *,
    report_id: int,
    actor,
    content: str | None = None,
    self_assessment: str | None = None,
    plan: str | None = None,
    province_id: int | None = None,
) -> Report:
    """Draft or returned → submitted. Refused when the report is locked (after due + grace)
    unless an admin waived the lock or it answers a return within its resubmission window;
    a first submission after the due date is marked late."""
    report = reports.lock(report_id, province=province_id)
    require(permissions.can_file(actor, report))
    reports.expect(report, *Report.EDITABLE)
    if content is not None:
        report.content = content
    if self_assessment is not None:
        report.self_assessment = self_assessment
    if not report.content.strip():
        raise TransitionError(_("Write what was done before submitting."))
    today = timezone.localdate()
    # A return gives its own days to answer (DESIGN.md, "Report life"): within them the
    # lock date does not apply, and the answer is not late — the work was first filed
    # when it was filed.
    answering_a_return = report.in_resubmission_window(today)
    if today >= report.locks_on and not report.lock_waived and not answering_a_return:
        raise TransitionError(_("The deadline and its grace days have passed; ask an administrator to waive the lock."))
    report.submitted_at = timezone.now()
    report.responsible = actor
    # Where they filed: they keep reading it after handing the post on (交接), asked in
    # this province (``responsibilities.access.find``).
    provinces.note_filed([(actor.pk, report.province_id)])
    report.late = report.late or (today > report.due_on and not answering_a_return)
    _keep_plan(report, actor, plan)
    _after_commit(reports.move(report, State.SUBMITTED, actor=actor, action=Action.SUBMIT))
    return report


@transaction.atomic
def return_report(*, report_id: int, actor, comment: str, province_id: int | None = None) -> Report:
    """Submitted → returned, with the reviewer's comment (required)."""
    if not (comment or "").strip():
        raise TransitionError(_("Say what must be fixed: a returned report needs a comment."))
    report = reports.lock(report_id, province=province_id)
    require(permissions.can_review(actor, report))
    reports.expect(report, State.SUBMITTED)
    report.reviewer = actor
    report.reviewed_at = timezone.now()
    report.review_comment = comment.strip()
    report.resubmit_by = resubmission_deadline()
    _after_commit(reports.move(report, State.RETURNED, actor=actor, action=Action.RETURN, comment=comment))
    return report


@transaction.atomic
def approve_report(*, report_id: int, actor, grade: str, comment: str = "", province_id: int | None = None) -> Report:
    """Submitted → approved, with a grade."""
    if grade not in Grade.values:
        raise TransitionError(_("Choose a grade to approve the report."))
    report = reports.lock(report_id, province=province_id)
    require(permissions.can_review(actor, report))
    reports.expect(report, State.SUBMITTED)
    report.grade = grade
    report.reviewer = actor
    report.reviewed_at = timezone.now()
    report.review_comment = (comment or "").strip()
    _after_commit(reports.move(report, State.APPROVED, actor=actor, action=Action.APPROVE, comment=comment))
    return report


@transaction.atomic
def reopen_report(*, report_id: int, actor, reason: str, province_id: int | None = None) -> Report:
    """Approved → returned by an admin, with the reason, so the unit can correct it."""
    if not (reason or "").strip():
        raise TransitionError(_("Give the reason for reopening."))
    report = reports.lock(report_id, province=province_id)
    require(permissions.can_reopen(actor, report))
    reports.expect(report, State.APPROVED)
    report.grade = ""
    report.review_comment = reason.strip()
    report.resubmit_by = resubmission_deadline()
    _after_commit(reports.move(report, State.RETURNED, actor=actor, action=Action.REOPEN, comment=reason))
    return report


@transaction.atomic
def lock_report(
    *, report_id: int, actor=None, today: datetime.date | None = None, province_id: int | None = None
) -> Report | None:
    """Draft or returned → locked, once the due date and grace days have passed (a schedule
    calls this). Returns None when there was nothing to lock, so a second run is a no-op."""
    report = reports.lock(report_id, province=province_id)
    if report.state not in Report.EDITABLE or report.lock_waived or report.in_resubmission_window(today):
        return None
    event = reports.move(report, State.LOCKED, actor=actor, action=Action.LOCK, fields=["updated_at"])
    _after_commit(event)
    return report


@transaction.atomic
def lock_reports(
    *,
    period_id: int,
    report_ids: Collection[int],
    today: datetime.date | None = None,
    province_id: int | None = None,
) -> list[int]:
    """``lock_report`` for many reports of one period at once (the nightly job, DESIGN.md
    "Schedules"), in one transaction: the period checked open once, the reports locked
    FOR UPDATE in the order of their ids, those still due to lock moved in one UPDATE, and
    one ``LOCK`` event each (留痕) inserted together and chained like one saved alone.
    The same reports as one by one are locked (draft or returned, no waiver, not within
    the days to answer a return) and nothing else changes — not ``late``, which only a
    submission sets. Returns the ids locked; a second run locks none. ``province_id``: the
    reports' province (the nightly job's batches are one province's each), named in the
    lock and the update, so that the transaction stays on its shard (docs/scale.md 5)."""
    today = today or timezone.localdate()
    ensure_period_open(period_id)
    within = Report.objects.all() if province_id is None else Report.objects.filter(province=province_id)
    rows = (
        within.select_for_update(of=("self",))
        .select_related("unit")  # the chain of each event is its unit's (audit/chain.py)
        .filter(period_id=period_id, pk__in=list(report_ids), state__in=Report.EDITABLE, lock_waived=False)
        .order_by("pk")
    )
    due = [report for report in rows if not report.in_resubmission_window(today)]
    if not due:
        return []
    now = timezone.now()
    within.filter(pk__in=[report.pk for report in due]).update(state=State.LOCKED, updated_at=now)
    events = []
    for report in due:
        before, report.state, report.updated_at = report.state, State.LOCKED, now
        events.append(ReportEvent(report=report, action=Action.LOCK, from_state=before, to_state=State.LOCKED, at=now))
    # A lock is told in the next daily reminder of each person (schedules.reminders,
    # ``locked_report_items``), as for a report locked alone: no notification of its own.
    create_events(ReportEvent, events)
    return [report.pk for report in due]


@transaction.atomic
def waive_lock(*, report_id: int, actor, reason: str, province_id: int | None = None) -> Report:
    """Locked → draft by an admin's waiver, with the reason; the report may then be submitted."""
    if not (reason or "").strip():
        raise TransitionError(_("Give the reason for the waiver."))
    report = reports.lock(report_id, province=province_id)
    require(permissions.can_waive(actor, report))
    reports.expect(report, State.LOCKED)
    report.lock_waived = True
    fields = ["lock_waived", "updated_at"]
    _after_commit(reports.move(report, State.DRAFT, actor=actor, action=Action.WAIVE, comment=reason, fields=fields))
    return report


# ---------------------------------------------------------------------------------------
# Evidence


@transaction.atomic
def add_evidence(
    *,
    report_id: int,
    actor,
    upload,
    description: str,
    work_date: datetime.date,
    marking: str = "",
    province_id: int | None = None,
) -> Evidence:
    """Attach a file to a draft or returned report, after checking it; an event records it.
    Only the 纪检监察组 marks its files 内部 or 涉密 (``access`` then hides them).
    ``province_id``: the report's, when the caller read it (locked on its shard)."""
    report = reports.lock(report_id, province=province_id)
    require(permissions.can_file(actor, report))
    reports.expect(report, *Report.EDITABLE)
    if marking and report.unit.kind != UnitKind.DISCIPLINE_GROUP:
        raise TransitionError(_("Only the discipline inspection group marks its files internal or classified."))
    evidence = fill_attachment(
        Evidence(report=report, work_date=work_date, marking=marking or ""),
        upload=upload,
        actor=actor,
        description=description,
    )
    reports.record(
        report, actor=actor, action=Action.EVIDENCE_ADDED, before=report.state, comment=_trail_name(evidence)
    )
    return evidence


def _trail_name(evidence: Evidence) -> str:
    """How the trail names a file: its name, except for a 内部/涉密 one, whose name is
    itself for the 纪检监察组 and the 书记 only (``access``)."""
    if evidence.marking:
        return _("a file marked %(marking)s") % {"marking": evidence.get_marking_display()}
    return evidence.original_name


@transaction.atomic
def remove_evidence(*, evidence_id: int, actor, province_id: int | None = None) -> Evidence:
    """Take a file off a draft or returned report. The row and the file are kept (nothing is
    deleted); the removal is an event. ``province_id``: the file's, when the caller read it
    (the file and its report locked on its shard; docs/scale.md 5)."""
    rows = Evidence.objects.select_for_update()
    evidence = (rows if province_id is None else rows.filter(province=province_id)).get(pk=evidence_id)
    report = reports.lock(evidence.report_id, province=evidence.province_id)
    require(permissions.can_file(actor, report))
    reports.expect(report, *Report.EDITABLE)
    if evidence.removed_at is not None:
        raise TransitionError(_("This file was already removed."))
    evidence.removed_at = timezone.now()
    evidence.removed_by = actor
    evidence.save(update_fields=["removed_at", "removed_by"])
    reports.record(
        report, actor=actor, action=Action.EVIDENCE_REMOVED, before=report.state, comment=_trail_name(evidence)
    )
    return evidence
