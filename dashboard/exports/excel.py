"""The results workbook of a period: a summary sheet, a sheet of deductions and bonuses, and
one sheet per category with every report (the hearing pack's workbook too, see
``dashboard.services.build_hearing_pack``).

Memory stays bounded however large the organization and the period (DESIGN.md, "Targets"):

- openpyxl's write-only mode gives each sheet a temporary file that takes rows as they come,
  and writes strings inline (no shared-strings table grows in memory);
- the units go through a page of ``data.unit_chunks`` at a time (keyset pages on the path),
  each page to every sheet: its summaries, its deductions and bonuses, its reports. Nothing
  holds one row per unit of the scope — reading every unit's summary first did, some 2 KB a
  unit (40 MB at 20,000 units) — nor one per report, with or without server-side cursors.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from assessments.models import Grade, Period, Report
from core import provinces
from responsibilities.models import Category, Unit
from scoring.models import ScoreLine

from .data import UnitSummary, scope_q, summarize, unit_chunks

CHUNK = 2000
STATES = [Report.State.APPROVED, Report.State.SUBMITTED, Report.State.DRAFT, Report.State.RETURNED, Report.State.LOCKED]


def sheet_title(name: str, used: set[str]) -> str:
    """Excel allows 31 characters and none of []:*?/\\ in a sheet's name, each name once."""
    clean = "".join(" " if ch in "[]:*?/\\" else ch for ch in name)[:31] or "-"
    title, n = clean, 2
    while title in used:
        title = f"{clean[:28]} {n}"
        n += 1
    used.add(title)
    return title


def _num(value):
    return None if value is None else float(value)


def summary_header() -> list[str]:
    return [
        _("Unit"),
        _("Code"),
        _("Reports"),
        *[str(Report.State(s).label) for s in STATES],
        _("Score"),
        _("Subtree score"),
        _("Report points"),
        _("Deductions"),
        _("Bonuses"),
    ]


def report_header() -> list[str]:
    return [
        _("Unit"),
        _("Unit code"),
        _("Duty code"),
        _("Duty"),
        _("State"),
        _("Grade"),
        _("Submitted late"),
        _("Submitted at"),
        _("Points"),
    ]


def summary_row(s: UnitSummary) -> list:
    return [
        s.unit.label,
        s.unit.code,
        s.total,
        *[s.count(state) for state in STATES],
        _num(s.score),
        _num(s.subtree_score),
        _num(s.report_points),
        _num(s.deductions),
        _num(s.bonuses),
    ]


def period_reports(period: Period, units: list[Unit]):
    """The reports of ``units`` for the category sheets, in tree order then duty code: a lazy
    queryset of tuples, the unit's name and code left to the caller (who has the units)."""
    points = ScoreLine.objects.filter(report=OuterRef("pk"), kind=ScoreLine.Kind.REPORT).values("points")[:1]
    return (
        Report.objects.filter(provinces.joined("assignment"), period=period, unit_id__in=[u.pk for u in units])
        .annotate(points=Subquery(points))
        .order_by("unit__path", "assignment__duty__code", "id")
        .values_list(
            "unit_id",
            "category_id",
            "assignment__duty__code",
            "assignment__duty__title",
            "state",
            "grade",
            "late",
            "submitted_at",
            "points",
        )
    )


def write_workbook(
    *, period: Period, root: Unit | None, path: Path, progress: Callable[[int], None] | None = None
) -> None:
    progress = progress or (lambda percent: None)
    workbook = Workbook(write_only=True)
    used: set[str] = set()
    summary_sheet = workbook.create_sheet(sheet_title(_("Summary"), used))
    adjustments_sheet = workbook.create_sheet(sheet_title(_("Deductions and bonuses"), used))
    category_sheets = {}
    for category in Category.objects.order_by("order", "code"):
        sheet = workbook.create_sheet(sheet_title(category.label, used))
        sheet.append(report_header())
        category_sheets[category.pk] = sheet
    summary_sheet.append([period.label])
    summary_sheet.append(summary_header())
    adjustments_sheet.append([_("Unit"), _("Unit code"), _("Kind"), _("Item"), _("Points")])
    total = Unit.objects.filter(scope_q(root, "")).count()
    progress(5)

    kinds = {k: str(v) for k, v in ScoreLine.Kind.choices}
    states = {k: str(v) for k, v in Report.State.choices}
    grades = {k: str(v) for k, v in Grade.choices}
    yes, no = _("Yes"), _("No")
    zone = timezone.get_current_timezone()
    done = 0
    # Every sheet is a temporary file that takes its rows as they come, so the units go
    # through a page at a time, each page to every sheet: the workbook holds one page of
    # units and their reports, never the period.
    for units in unit_chunks(root):
        summaries = summarize(period, units, adjustments=True)
        for s in summaries:
            summary_sheet.append(summary_row(s))
            for line in s.adjustments:
                adjustments_sheet.append(
                    [s.unit.label, s.unit.code, kinds[line["kind"]], line["label"], _num(line["points"])]
                )
        names = {u.pk: (u.label, u.code) for u in units}
        reports = period_reports(period, units).iterator(chunk_size=CHUNK)
        for unit_id, category_id, duty_code, duty, state, grade, late, submitted_at, pts in reports:
            category_sheets[category_id].append(
                [
                    *names[unit_id],
                    duty_code,
                    duty,
                    states.get(state, state),
                    grades.get(grade, ""),
                    yes if late else no,
                    submitted_at.astimezone(zone).replace(tzinfo=None) if submitted_at else None,
                    _num(pts),
                ]
            )
        done += len(units)
        if total:
            progress(5 + 90 * done / total)
    workbook.save(path)
