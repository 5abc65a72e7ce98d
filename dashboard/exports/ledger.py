"""整改台账: the rectification ledger offices keep, as an Excel workbook in their columns.

序号, 问题来源, 问题描述, 整改措施, 责任单位, 责任人, 整改时限, 整改进展/状态, 销号日期, 备注 —
one line per rectification of the export's subtree still open at the start of the period's
half year or raised since (none closed before it), with its state today, in tree order.
Written with openpyxl's write-only mode from a server-side cursor, like the results
workbook, so memory stays bounded (二、一 "检视整改再实化").
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from pathlib import Path

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font

from assessments.models import Period
from core import provinces
from oversight.models import Event, Rectification
from responsibilities.models import Unit

from ..oversight_panels import half_bounds
from .data import scope_q
from .excel import CHUNK

RState = Rectification.State
ASSIGNED, IN_PROGRESS, AWAITING, CLOSED = "assigned", "in_progress", "awaiting", "closed"


def progress_labels() -> dict[str, str]:
    """整改进展/状态 as offices write it: 交办整改 (handed to the unit, nothing done yet),
    整改中 (the unit has been at it: sent back after a report, or files attached), 待验收销号
    (reported done, awaiting verification), 已销号 (verified and closed)."""
    return {
        ASSIGNED: _("Assigned for rectification"),
        IN_PROGRESS: _("Being rectified"),
        AWAITING: _("Reported done"),
        CLOSED: _("Verified and closed"),
    }


def progress_of(state: str, worked_on: bool) -> str:
    if state == RState.CLOSED:
        return CLOSED
    if state == RState.REPORTED:
        return AWAITING
    return IN_PROGRESS if worked_on else ASSIGNED


def header() -> list[str]:
    return [
        _("No."),
        _("Where the problem was found"),
        _("Description of the problem"),
        _("Measure to take"),
        _("Responsible unit"),
        _("Responsible person"),
        _("Rectification deadline"),
        _("Progress / state"),
        _("Closed on"),
        _("Remarks"),
    ]


def ledger_rows(*, period: Period, root: Unit | None, today: datetime.date | None = None):
    """The rectifications of the ledger, in tree order, each annotated with ``worked_on``
    (any step after it was raised). A lazy queryset: iterate it in chunks, each row through
    ``with_links``. Its steps, post and notice are read within its province (a correlated
    ``EXISTS`` and outer joins whose ``ON`` names it: co-located on Citus, docs/scale.md 5)."""
    start, _end = half_bounds(period)
    worked_on = Event.objects.filter(provinces.beside(), rectification=OuterRef("pk")).exclude(
        action=Event.Action.RAISE
    )
    return (
        Rectification.objects.filter(scope_q(root))
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=start))
        .annotate(worked_on=Exists(worked_on))
        .annotate(post_here=provinces.outer("post"), notice_here=provinces.outer("notice"))
        .select_related("unit", "post_here__holder", "duty", "notice_here")
        .order_by("unit__path", "deadline", "pk")
    )


def with_links(rows: Iterable[Rectification]) -> Iterator[Rectification]:
    """The rows of ``ledger_rows``, a chunk at a time, with their post and notice read
    already; the notices left in another province by a merge (core.province_keys.CROSSING)
    are read by their ids, one query per chunk and province, only then: a batch export of
    the whole subtree, whose requester reads every row."""
    anywhere = Q(pk__isnull=False)  # by its id alone
    rows = iter(rows)
    while chunk := list(islice(rows, CHUNK)):
        yield from provinces.outer_rows(chunk, within=anywhere, post_here="post", notice_here="notice")


def remarks(r: Rectification, today: datetime.date) -> str:
    """备注: how long overdue, the notice it came from, the duty it concerns."""
    parts = []
    if r.is_overdue(today):
        parts.append(_("Overdue by %(days)s days") % {"days": (today - r.deadline).days})
    if r.notice_id:
        parts.append(r.notice.label)
    if r.duty_id:
        parts.append(_("Duty %(code)s %(title)s") % {"code": r.duty.code, "title": r.duty.title})
    return "；".join(str(p) for p in parts)


def person_of(r: Rectification) -> str:
    if r.post_id is None:
        return ""
    return r.post.holder.display_name if r.post.holder_id else r.post.title


def write_ledger(
    *, period: Period, root: Unit | None, path: Path, progress: Callable[[int], None] | None = None
) -> None:
    progress = progress or (lambda percent: None)
    today = timezone.localdate()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Rectification ledger")[:31])
    for column, width in zip("ABCDEFGHIJ", (6, 14, 40, 40, 18, 12, 12, 12, 12, 30), strict=True):
        sheet.column_dimensions[column].width = width
    title = WriteOnlyCell(sheet, value=_("Rectification ledger · %(period)s") % {"period": period.label})
    title.font = Font(bold=True, size=14)
    sheet.append([title])
    heads = []
    for text in header():
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        heads.append(cell)
    sheet.append(heads)
    sources = {k: str(v) for k, v in Rectification.Source.choices}
    labels = progress_labels()
    rows = ledger_rows(period=period, root=root, today=today)
    total = rows.count()
    progress(5)
    for number, r in enumerate(with_links(rows.iterator(chunk_size=CHUNK)), start=1):
        deadline = WriteOnlyCell(sheet, value=r.deadline)
        deadline.number_format = "yyyy-mm-dd"
        closed = WriteOnlyCell(sheet, value=timezone.localdate(r.closed_at) if r.closed_at else None)
        closed.number_format = "yyyy-mm-dd"
        sheet.append(
            [
                number,
                sources.get(r.source, r.source),
                r.problem,
                r.measure,
                str(r.unit.label),
                person_of(r) or None,
                deadline,
                labels[progress_of(r.state, r.worked_on)],
                closed,
                remarks(r, today) or None,
            ]
        )
        if number % CHUNK == 0 and total:
            progress(5 + 90 * number / total)
    workbook.save(path)
