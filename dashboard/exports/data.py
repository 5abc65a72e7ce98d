"""Reads shared by the Excel workbook and the hearing pack: each a grouped query per unit,
never a query per unit, so both stay a fixed number of queries at province scale."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum

from assessments.models import Period, Report
from responsibilities import access
from responsibilities.models import Unit
from scoring.models import ScoreLine, UnitScore


def scope_q(root: Unit | None, field: str = "unit") -> Q:
    """The export's units: ``root``'s subtree, exactly what the dashboard of ``root`` shows
    (the download is then handed out only to those whose scope covers it)."""
    return access.in_subtree(root, field)


@dataclass
class UnitSummary:
    unit: Unit
    counts: dict[str, int] = field(default_factory=dict)
    score: Decimal | None = None
    subtree_score: Decimal | None = None
    report_points: Decimal = Decimal(0)
    deductions: Decimal = Decimal(0)
    bonuses: Decimal = Decimal(0)
    adjustments: list = field(default_factory=list)  # deduction and bonus lines
    problems: list = field(default_factory=list)  # returned and locked reports

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def count(self, state: str) -> int:
        return self.counts.get(state, 0)


def unit_summaries(period: Period, root: Unit | None, *, with_details: bool = False) -> list[UnitSummary]:
    """One line per unit of the scope, in tree order: state counts, stored scores, and the
    sums of deductions and bonuses — 4 queries; ``with_details`` adds the deduction and
    bonus lines and the returned and locked reports — 2 more."""
    units = Unit.objects.filter(scope_q(root, "")).order_by("path")
    summaries = {u.pk: UnitSummary(unit=u) for u in units}
    for row in (
        Report.objects.filter(period=period)
        .filter(scope_q(root))
        .values("unit_id", "state")
        .annotate(n=Count("id"))
        .order_by()
    ):
        if row["unit_id"] in summaries:
            summaries[row["unit_id"]].counts[row["state"]] = row["n"]
    for score in (
        UnitScore.objects.filter(period=period).filter(scope_q(root)).only("unit_id", "score", "subtree_score")
    ):
        if score.unit_id in summaries:
            summaries[score.unit_id].score = score.score
            summaries[score.unit_id].subtree_score = score.subtree_score
    sums = (
        ScoreLine.objects.filter(unit_score__period=period)
        .filter(scope_q(root, "unit_score__unit"))
        .values("unit_score__unit_id", "kind")
        .annotate(points=Sum("points"))
        .order_by()
    )
    for row in sums:
        summary = summaries.get(row["unit_score__unit_id"])
        if summary is None:
            continue
        if row["kind"] == ScoreLine.Kind.DEDUCTION:
            summary.deductions = row["points"]
        elif row["kind"] == ScoreLine.Kind.BONUS:
            summary.bonuses = row["points"]
        else:
            summary.report_points = row["points"]
    if with_details:
        lines = (
            ScoreLine.objects.filter(unit_score__period=period)
            .exclude(kind=ScoreLine.Kind.REPORT)
            .filter(scope_q(root, "unit_score__unit"))
            .values("unit_score__unit_id", "kind", "label", "points")
            .order_by("unit_score__unit_id", "kind", "id")
        )
        for line in lines:
            summaries[line["unit_score__unit_id"]].adjustments.append(line)
        problems = (
            Report.objects.filter(period=period, state__in=[Report.State.RETURNED, Report.State.LOCKED])
            .filter(scope_q(root))
            .select_related("assignment__duty", "category")
            .order_by("unit_id", "assignment__duty__code")
        )
        for report in problems:
            summaries[report.unit_id].problems.append(report)
    return list(summaries.values())


def roll_up(summaries: list[UnitSummary], rows: list[Unit]) -> dict[int, dict[str, int]]:
    """State counts of each unit in ``rows`` over its whole subtree, walking the paths of the
    (already loaded) summaries: no query."""
    totals: dict[int, dict[str, int]] = {row.pk: defaultdict(int) for row in rows}
    for summary in summaries:
        for row in rows:
            if summary.unit.path.startswith(row.path):
                for state, n in summary.counts.items():
                    totals[row.pk][state] += n
    return totals
