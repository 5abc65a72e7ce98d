"""The results workbook of a period: a summary sheet, a sheet of deductions and bonuses, and
one sheet per category with every report (the hearing pack's workbook too, see
``dashboard.services.build_hearing_pack``).

Memory stays bounded however large the organization and the period (DESIGN.md, "Targets"):

- openpyxl's write-only mode gives each sheet a temporary file that takes rows as they come,
  and writes strings inline (no shared-strings table grows in memory);
- the units go through a page of ``data.unit_chunks`` at a time (keyset pages on the path),
  each page to every sheet: its summaries, its deductions and bonuses, its reports. Nothing
  holds one row per unit of the scope — reading every unit's summary first did, some 2 KB a
  unit (40 MB at 20,000 units) — nor one per report of the scope: a page's reports at most
  (some 6,000 rows of a few values), read at once and put in order here.

Time grows with the organization, not with its square: each page's reads cost the page's
rows (``period_reports``; tests/dashboard/test_export_plans.py checks every page's query).
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
from responsibilities.models import Assignment, Category, Duty, Unit
from scoring.models import ScoreLine

from .data import UnitSummary, code_ranks, scope_q, summarize, unit_chunks

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


def period_reports(period: Period, units: list[Unit]) -> list[tuple]:
    """The reports of ``units`` for the category sheets, in tree order then duty code, as
    tuples, the unit's name and code left to the caller (who has the units). Its cost is the
    page's whatever the organization's size: the reports read by the page's units, each
    report's duty by its assignment's id within its province (a subquery per row: an index
    lookup, co-located on Citus, docs/scale.md 5), then the page's duties (a reference
    table), and the order made here from the page's, which is the tree's. Joined to the units
    and assignments and ordered by path in SQL, a page's read was planned — under the
    export's server-side cursor — as a walk of every unit of the organization in path order
    (50,000 index probes for a page of 200 units), or as a hash of every assignment: an
    export growing with the square of the organization (docs/scale.md 7)."""
    points = ScoreLine.objects.filter(report=OuterRef("pk"), kind=ScoreLine.Kind.REPORT).values("points")[:1]
    duty = Assignment.objects.filter(provinces.beside(), pk=OuterRef("assignment_id")).order_by().values("duty_id")[:1]
    rows = list(
        Report.objects.filter(period=period, unit_id__in=[u.pk for u in units])
        .annotate(points=Subquery(points), duty=Subquery(duty))
        .values_list("unit_id", "duty", "id", "category_id", "state", "grade", "late", "submitted_at", "points")
    )
    duties = {
        pk: (code, title)
        for pk, code, title in Duty.objects.filter(pk__in={r[1] for r in rows})
        .order_by("code")
        .values_list("pk", "code", "title")
    }
    rank = code_ranks((pk, code) for pk, (code, _title) in duties.items())
    place = {u.pk: n for n, u in enumerate(units)}  # the page is in tree order
    rows.sort(key=lambda r: (place[r[0]], rank[r[1]], r[2]))
    return [(unit_id, category_id, *duties[duty_id], *rest) for unit_id, duty_id, _id, category_id, *rest in rows]


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
        for unit_id, category_id, duty_code, duty, state, grade, late, submitted_at, pts in period_reports(
            period, units
        ):
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
