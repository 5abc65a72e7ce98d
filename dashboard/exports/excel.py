"""The results workbook of a period: a summary sheet, a sheet of deductions and bonuses, and
one sheet per category with every report — written with openpyxl's write-only mode from a
server-side cursor, so memory stays bounded however many reports a period has."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from openpyxl import Workbook

from assessments.models import Grade, Period, Report
from responsibilities.models import Category, Unit
from scoring.models import ScoreLine

from .data import scope_q, unit_summaries

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

    summaries = unit_summaries(period, root)
    summary_sheet.append([period.label])
    summary_sheet.append(summary_header())
    for s in summaries:
        summary_sheet.append(
            [
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
        )
    total = sum(s.total for s in summaries)
    progress(5)

    adjustments_sheet.append([_("Unit"), _("Unit code"), _("Kind"), _("Item"), _("Points")])
    kinds = dict(ScoreLine.Kind.choices)
    lines = (
        ScoreLine.objects.filter(unit_score__period=period)
        .exclude(kind=ScoreLine.Kind.REPORT)
        .filter(scope_q(root, "unit_score__unit"))
        .order_by("unit_score__unit__path", "kind", "id")
        .values_list(
            "unit_score__unit__name", "unit_score__unit__name_en", "unit_score__unit__code", "kind", "label", "points"
        )
    )
    english = (get_language() or "").startswith("en")
    for name, name_en, code, kind, label, points in lines.iterator(chunk_size=CHUNK):
        shown = name_en if english and name_en else name
        adjustments_sheet.append([shown, code, str(kinds[kind]), label, _num(points)])

    states = {k: str(v) for k, v in Report.State.choices}
    grades = {k: str(v) for k, v in Grade.choices}
    yes, no = _("Yes"), _("No")
    points = ScoreLine.objects.filter(report=OuterRef("pk"), kind=ScoreLine.Kind.REPORT).values("points")[:1]
    reports = (
        Report.objects.filter(period=period)
        .filter(scope_q(root))
        .annotate(points=Subquery(points))
        .order_by("unit__path", "assignment__duty__code", "id")
        .values_list(
            "category_id",
            "unit__name",
            "unit__name_en",
            "unit__code",
            "assignment__duty__code",
            "assignment__duty__title",
            "state",
            "grade",
            "late",
            "submitted_at",
            "points",
        )
    )
    # A server-side cursor on PostgreSQL: rows arrive CHUNK at a time and leave for the
    # sheet's temporary file at once; nothing holds the whole period.
    rows = reports.iterator(chunk_size=CHUNK)
    for done, row in enumerate(rows, start=1):
        category_id, name, name_en, code, duty_code, duty, state, grade, late, submitted_at, pts = row
        category_sheets[category_id].append(
            [
                name_en if english and name_en else name,
                code,
                duty_code,
                duty,
                states.get(state, state),
                grades.get(grade, ""),
                yes if late else no,
                timezone.localtime(submitted_at).replace(tzinfo=None) if submitted_at else None,
                _num(pts),
            ]
        )
        if done % (CHUNK * 5) == 0 and total:
            progress(5 + 90 * done / total)
    workbook.save(path)
