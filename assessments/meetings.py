"""党组会议: the reports of the 党组 as a body and of its 书记 are 审议 (deliberated) at a
recorded meeting, not graded by one person (speech 一、三: 党组每半年听取一次党建工作汇报;
DESIGN.md, "Who may do what"). The admin enters the meeting; the reports it heard are
approved by it, without a grade, each with an event naming the meeting. The meeting that
hears the half-year Party-building report records it (its period) and its decisions, each
of which may become a 交办 task (``tasking``).
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import roles
from core.attachments import fill_attachment
from core.errors import TransitionError
from responsibilities import access
from responsibilities.models import Unit, UnitKind

from .models import Decision, Meeting, Minutes, OutsideReview, Period, Report, ReportEvent
from .selectors import not_closed
from .services import reports


def may_record(user) -> bool:
    return roles.is_admin(user)


def waiting_for_a_meeting(unit: Unit | None = None) -> QuerySet:
    """Submitted reports that only a 党组会议 may decide on (``access.Track.MEETING``),
    none of a closed period (frozen: ``services.ensure_period_open`` would refuse it)."""
    qs = Report.objects.filter(state=Report.State.SUBMITTED, unit__kind=UnitKind.LEADING_GROUP).exclude(
        assignment__post__kind__in=access.MEMBER_KINDS
    )
    qs = not_closed(qs)
    if unit is not None:
        qs = qs.filter(unit=unit)
    return qs.select_related("unit", "period", "assignment__duty", "assignment__post").order_by("unit__path", "pk")


@transaction.atomic
def record_meeting(
    *,
    actor,
    unit: Unit,
    held_on: datetime.date,
    attendees,
    decisions: list[str],
    minutes,
    report_ids: list[int] = (),
    period: Period | None = None,
) -> Meeting:
    """Record a 党组会议 — with the half-year report it heard (``period``), its decisions in
    order, and its minutes — and approve, without a grade, each submitted report it heard.

    All or nothing: a report that is not waiting for a meeting (another state, another
    track) refuses the whole record. A meeting hears the half-year report, or reports, or
    both. Locks each report as a transition does."""
    if not may_record(actor):
        raise TransitionError(_("Only an administrator records a Party group meeting."))
    if unit.kind != UnitKind.LEADING_GROUP:
        raise TransitionError(_("Choose a Party group."))
    if held_on > timezone.localdate():
        raise TransitionError(_("The meeting date cannot be in the future."))
    texts = [text.strip() for text in decisions if (text or "").strip()]
    if not texts:
        raise TransitionError(_("Write the meeting's decision."))
    report_ids = list(report_ids or [])
    # Each report with its province, to lock it on its shard (docs/scale.md 5).
    waiting = dict(waiting_for_a_meeting(unit).filter(pk__in=report_ids).values_list("pk", "province_id"))
    if set(report_ids) - set(waiting) or (not report_ids and period is None):
        raise TransitionError(
            _("Choose the half-year report the meeting heard, or reports of this Party group that wait for it.")
        )
    meeting = Meeting.objects.create(unit=unit, held_on=held_on, period=period, recorded_by=actor)
    Decision.objects.bulk_create(
        [Decision(meeting=meeting, order=n, text=text) for n, text in enumerate(texts, start=1)]
    )
    meeting.attendees.set(attendees)
    fill_attachment(Minutes(meeting=meeting), upload=minutes, actor=actor)
    comment = _("Deliberated at the Party group meeting of %(day)s: %(decision)s") % {
        "day": held_on.isoformat(),
        "decision": "; ".join(texts),
    }
    # Every report locked (in id order) before any is written: a write takes its
    # province's turn on the per-period tally (assessments migration 0023) until the
    # commit, so a meeting waiting for a report's lock while holding that turn would
    # deadlock with whoever holds the report and waits for the turn.
    heard = [reports.lock(pk, province=waiting[pk]) for pk in sorted(report_ids)]
    for report in heard:
        reports.expect(report, Report.State.SUBMITTED)
    for report in heard:
        report.grade = ""
        report.reviewer = None
        report.reviewed_at = timezone.now()
        report.review_comment = comment[:2000]
        reports.move(report, Report.State.APPROVED, actor=actor, action=ReportEvent.Action.DELIBERATE, comment=comment)
    meeting.reports.set(report_ids)
    return meeting


def discipline_reports() -> QuerySet:
    """The 纪检监察组's reports handed in (submitted or approved), newest period first."""
    return (
        Report.objects.filter(
            unit__kind=UnitKind.DISCIPLINE_GROUP, state__in=[Report.State.SUBMITTED, Report.State.APPROVED]
        )
        .select_related("unit", "period", "assignment__duty")
        .order_by("-period__year", "-period__half", "assignment__duty__code")
    )


@transaction.atomic
def record_outside_review(
    *, actor, report: Report, body: str, reviewed_on: datetime.date, conclusion: str
) -> OutsideReview:
    """Record what the 纪检监察组's superior body concluded on one of its reports. The
    report's state is the 党组书记's to change, not this record's."""
    if not may_record(actor):
        raise TransitionError(_("Only an administrator records an outside review."))
    if not discipline_reports().filter(pk=report.pk).exists():
        raise TransitionError(_("Choose a report the discipline inspection group has handed in."))
    if reviewed_on > timezone.localdate():
        raise TransitionError(_("The review date cannot be in the future."))
    if not body.strip() or not conclusion.strip():
        raise TransitionError(_("Name the reviewing body and write its conclusion."))
    return OutsideReview.objects.create(
        report=report, body=body.strip(), reviewed_on=reviewed_on, conclusion=conclusion.strip(), recorded_by=actor
    )
