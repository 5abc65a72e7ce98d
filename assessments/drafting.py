"""The half-year report drafts itself (履责纪实, issue 13 item 4): opening a fresh draft of a
duty that counts work records fills its text from that duty's records of the period —
dates, topics, attendance — and attaches the records' files as evidence without a second
upload: each Evidence row points at the record's stored file, with its checksum. The
secretary then edits and submits as ever (三、一: record once, no typing it all again at
the deadline, 反对形式主义).
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from core.templatetags.mingze import cn_date
from responsibilities.models import Frequency
from worklog.models import WorkRecord

from . import due, permissions
from .models import Evidence, Half, Report, ReportEvent
from .services import reports


def period_window(report: Report) -> tuple[datetime.date, datetime.date]:
    """The days whose records a report covers: its quarter for a quarterly report (issue 12:
    one report per quarter, each with its own due date), its half year, or the whole year
    for a duty counted per year."""
    period = report.period
    if report.quarter:
        return datetime.date(period.year, 3 * report.quarter - 2, 1), due.quarter_end(period.year, report.quarter)
    if report.assignment.duty.frequency == Frequency.YEAR:
        return datetime.date(period.year, 1, 1), datetime.date(period.year, 12, 31)
    if period.half == Half.FIRST:
        return datetime.date(period.year, 1, 1), datetime.date(period.year, 6, 30)
    return datetime.date(period.year, 7, 1), datetime.date(period.year, 12, 31)


def records_behind(report: Report) -> QuerySet:
    """The recorded work that counts for this report's duty in its period: the post's own
    records (a leader's, wherever held) and its unit's records as a body."""
    duty = report.assignment.duty
    if not duty.record_type:
        return WorkRecord.objects.none()
    start, end = period_window(report)
    return (
        WorkRecord.objects.filter(duties=duty, state=WorkRecord.State.RECORDED, held_on__range=(start, end))
        .filter(Q(post_id=report.assignment.post_id) | Q(post__isnull=True, unit_id=report.unit_id))
        .annotate(participants_count=Count("participants", distinct=True))
        .prefetch_related("files")
        .order_by("held_on", "pk")
    )


def records_of(report: Report) -> list:
    """``records_behind`` as a list: one query (and one for their files when there are
    any); none for a duty not counted in records."""
    return list(records_behind(report)) if report.assignment.duty.record_type else []


def record_line(record: WorkRecord) -> str:
    """2026年3月10日 · 支部委员会 · 研究第一季度工作（会议室，应到 10 人，实到 8 人）"""
    details = []
    if record.place:
        details.append(record.place)
    if record.expected:
        details.append(
            _("%(expected)s expected, %(present)s present")
            % {"expected": record.expected, "present": record.present or 0}
        )
    elif record.participants_count:
        details.append(_("%(n)s taking part") % {"n": record.participants_count})
    line = f"{cn_date(record.held_on)} · {record.get_kind_display()} · {record.topic}"
    return f"{line}（{'，'.join(details)}）" if details else line


@transaction.atomic
def draft_from_records(*, report_id: int, actor, records: list | None = None, province_id: int | None = None) -> int:
    """Fill a fresh draft from its duty's records: the text, and the files as evidence.

    Only a draft that is still untouched (no text, no evidence ever attached) is filled,
    and only by someone who may file it; so opening it again, or after the secretary
    emptied it, changes nothing. Returns how many records were used. ``province_id``: the
    report's, when the caller read it (locked on its shard, docs/scale.md 5).
    """
    report = reports.lock(report_id, province=province_id)
    if report.state != Report.State.DRAFT or report.content.strip() or not permissions.can_file(actor, report):
        return 0
    if report.evidence.exists():
        return 0
    if records is None:
        records = list(records_behind(report))
    if not records:
        return 0
    intro = _("Work recorded this period (%(n)s):") % {"n": len(records)}
    report.content = "\n".join([intro, *(f"{n}. {record_line(r)}" for n, r in enumerate(records, start=1))])
    report.save(update_fields=["content", "updated_at"])
    for record in records:
        for stored in record.files.all():
            evidence = Evidence.objects.create(
                report=report,
                file=stored.file.name,  # the record's stored file itself: no second copy
                original_name=stored.original_name,
                extension=stored.extension,
                content_type=stored.content_type,
                description=f"{record.get_kind_display()} · {record.topic}"[:200],
                size=stored.size,
                sha256=stored.sha256,
                uploaded_by=actor,
                work_date=record.held_on,
            )
            reports.record(
                report,
                actor=actor,
                action=ReportEvent.Action.EVIDENCE_ADDED,
                before=report.state,
                comment=evidence.original_name,
            )
    return len(records)
