"""The dashboard's panels, put together from the selectors in a fixed number of queries.

Each panel carries both its table (what people and printers read) and its chart data (what
``static/js/dashboard.js`` draws with Chart.js): the same numbers, never two sources.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from django.core.paginator import Paginator
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from assessments.models import Period, Report, Warning
from core.templatetags.mingze import days_left, percent
from responsibilities import access
from responsibilities.models import Unit, WorkType
from worklog import compliance as counting

from . import selectors
from .links import dashboard_url, reports_url
from .permissions import Scope

HEAT_STEPS = 5
# The rows of the completion table and the heatmap shown on one page. A wide level (a 党组
# over 400 机关党委 at ten times province scale) would otherwise make a page of hundreds of
# kilobytes that nobody reads row by row: its rows come a page at a time, those most behind
# first (docs/scale.md 4). The totals, warnings and ranking always count the whole scope.
ROWS_PAGE = 40
ORDER_ATTENTION = "attention"  # lowest approved share first
ORDER_UNITS = "units"  # the tree's order


def heat_class(value, top) -> str:
    """mz-heat-0 … mz-heat-4 by the share of ``top``; the number is always written in the cell."""
    if value is None or not top:
        return "mz-heat-none"
    step = min(HEAT_STEPS - 1, int(HEAT_STEPS * float(value) / float(top)))
    return f"mz-heat-{max(step, 0)}"


@dataclass
class Overview:
    period: Period
    periods: list[Period]
    previous: Period | None
    scope: Scope
    crumbs: list
    rows: list
    totals: dict
    categories: list
    color: str
    warnings: list
    ranking: list
    ranked_count: int
    trend: list
    heatmap: list = field(default_factory=list)
    warning_counts: dict = field(default_factory=dict)  # red and yellow, each report on its own due date
    # The rows above are one page of the scope's rows when it has more than ROWS_PAGE of
    # them: ``row_page`` is that page (None when every row fits), ``row_count`` all of them.
    row_page: object = None
    row_count: int = 0
    order: str = ORDER_UNITS
    pages: dict = field(default_factory=dict)  # the URLs of the row pages and of each order

    @property
    def total(self) -> int:
        return sum(self.totals.values())

    def state_totals(self):
        for state in selectors.STATES:
            yield {
                "state": state,
                "label": Report.State(state).label,
                "n": self.totals.get(state, 0),
                "url": reports_url(period=self.period, unit=self.scope.root, state=state),
            }

    @cached_property
    def warning_totals(self) -> list[dict]:
        counts = self.warning_counts
        return [
            {
                "level": level,
                "label": Warning(level).label,
                "n": counts.get(level, 0),
                "url": reports_url(period=self.period, unit=self.scope.root, warning=level),
            }
            for level in (Warning.RED, Warning.YELLOW)
        ]

    def chart_data(self) -> dict:
        """What the charts draw: the same numbers as the tables."""
        return {
            "completion": {
                "labels": [row_label(row) for row in self.rows],
                "datasets": [
                    {"key": s, "label": str(Report.State(s).label), "data": [row.count(s) for row in self.rows]}
                    for s in selectors.STATES
                ],
            },
            "ranking": {
                "labels": [line.unit.label for line in self.ranking],
                "data": [float(line.score) for line in self.ranking],
            },
            "trend": {
                "labels": [str(point.period.label) for point in self.trend],
                "subtree": [_num(point.subtree_score) for point in self.trend],
                "own": [_num(point.own_score) for point in self.trend],
                "on_time": [_num(point.on_time_rate) for point in self.trend],
                "series": {
                    "subtree": _("Subtree score"),
                    "own": _("Own score"),
                    "on_time": _("On-time rate (%)"),
                },
            },
        }


def _num(value):
    return None if value is None else round(float(value), 1)


def row_label(row) -> str:
    return str(row.unit.label) if not row.own or row.unit.depth == 1 else f"{row.unit.label}*"


def row_links(row, period: Period, labels: dict) -> dict:
    """Where each number of a row leads: the reports behind it, or one level down."""
    links = {"total": reports_url(period=period, unit=row.unit, exact=row.own)}
    row.state_cells = cells = [
        {
            "state": s,
            "label": labels[s],
            "n": row.count(s),
            "url": reports_url(period=period, unit=row.unit, exact=row.own, state=s),
        }
        for s in selectors.STATES
    ]
    # The repeated cells as ready HTML: at province scale the template engine resolving
    # each cell's variables was most of the page's server time. Only words are escaped;
    # states, counts and our own URLs (ids and fixed choices) cannot carry markup.
    row.state_cells_html = mark_safe(
        "".join(
            f'<td class="text-end" data-label="{escape(c["label"])}" data-state="{c["state"]}">'
            f'<a href="{c["url"]}">{c["n"]}</a></td>'
            for c in cells
        )
    )
    if not row.own:
        links["drill"] = dashboard_url(period=period, unit=row.unit)
    return links


def row_html(row, scope: Scope, words: dict) -> str:
    """The completion table's line of ``row`` as ready HTML (after ``row_links``): at ten
    times province scale resolving each row's dozen variables in the template was a good
    part of the page's time. Only the unit's name and the words are escaped; codes, counts
    and our own URLs cannot carry markup."""
    label = escape(row.unit.label)
    if row.links.get("drill"):
        name = f'<a href="{row.links["drill"]}">{label}</a>'
    elif row.own and not scope.own_line:
        name = f'{label} <span class="small text-muted">({escape(words["own"])})</span>'
    else:
        name = label
    total = row.total
    share = percent(row.state_cells[0]["n"], total)
    return mark_safe(
        f'<tr data-unit="{escape(row.unit.code)}{"-own" if row.own else ""}">'
        f'<th scope="row" data-label="{escape(words["unit"])}">{name}</th>'
        f'<td class="text-end" data-label="{escape(words["reports"])}"><a href="{row.links["total"]}">{total}</a></td>'
        f"{row.state_cells_html}"
        f'<td class="text-end" data-label="{escape(words["share"])}">{share}</td></tr>'
    )


def warning_html(report, words: dict) -> str:
    """One line of the warnings list as ready HTML, like the completion rows: the same
    words and filters as the template had (days_left, the title cut at 40 characters)."""
    red = report.warning_now == Warning.RED
    icon = "exclamation-octagon" if red else "exclamation-triangle"
    duty = report.assignment.duty
    return mark_safe(
        f'<li class="mb-1"><span class="badge mz-warn-{escape(report.warning_now)}">'
        f'<i class="bi bi-{icon}" aria-hidden="true"></i> {escape(words["red" if red else "yellow"])} · '
        f"{escape(days_left(report.due_on))}</span>\n"
        f'      <a href="{reverse("assessments:report", args=[report.pk])}">{escape(report.unit.label)} · '
        f"{escape(duty.code)} {escape(Truncator(duty.title).chars(40))}</a>\n"
        f'      <span class="badge mz-state mz-state-{escape(report.state)}">'
        f"{escape(report.get_state_display())}</span></li>"
    )


def cell_text(cell, color: str) -> str:
    if color == "score":
        return "–" if cell["value"] is None else f"{float(cell['value']):.1f}"
    return f"{cell['approved']}/{cell['total']}"


def heatmap(rows, categories, period: Period, color: str, top) -> list[dict]:
    """Rows × categories; each cell the approved share (or average points) with its link;
    ``top`` is the value of the darkest step (the scope's best, on every page of rows)."""
    table = []
    for row in rows:
        cells = []
        for category in categories:
            counts = row.cells.get(category.pk, {})
            total = sum(counts.values())
            approved = counts.get(Report.State.APPROVED, 0)
            completion = (approved / total) if total else None
            value = row.scores.get(category.pk) if color == "score" else completion
            cells.append(
                {
                    "category": category,
                    "label": f"{row.unit.label} · {category.label}",
                    "total": total,
                    "approved": approved,
                    "value": value,
                    "css": heat_class(value, top),
                    "url": reports_url(period=period, unit=row.unit, exact=row.own, category=category),
                }
            )
        # As ready HTML, like the completion cells: only the unit's and category's names
        # are escaped, the rest is ours.
        html = mark_safe(
            "".join(
                f'<td class="text-center {cell["css"]}"><a href="{cell["url"]}" aria-label="{escape(cell["label"])}">'
                f"{cell_text(cell, color)}</a></td>"
                if cell["total"]
                else f'<td class="text-center {cell["css"]}">–</td>'
                for cell in cells
            )
        )
        table.append({"row": row, "cells": cells, "html": html})
    return table


def approved_share(row) -> float | None:
    return row.count(Report.State.APPROVED) / row.total if row.total else None


def attention_first(rows: list) -> list:
    """``rows`` with the lowest approved share first (a row without reports last: nothing of
    it is behind), the tree's order among equals."""

    def behind(row):
        share = approved_share(row)
        return (share is None, share or 0.0, row.unit.path)

    return sorted(rows, key=behind)


def page_of_rows(rows: list, *, order: str | None, page) -> tuple[list, object, str]:
    """The rows the tables show: every row when they fit on one page, in the tree's order;
    else one page of ``ROWS_PAGE`` rows, those most behind first unless ``order`` asks for
    the tree's order. Returns (rows, the page or None, the order used). A page number that
    is not one answers the nearest page (Paginator.get_page), never an error."""
    if len(rows) <= ROWS_PAGE:
        return rows, None, ORDER_UNITS
    order = ORDER_UNITS if order == ORDER_UNITS else ORDER_ATTENTION
    ordered = attention_first(rows) if order == ORDER_ATTENTION else rows
    shown = Paginator(ordered, ROWS_PAGE).get_page(page)
    return list(shown.object_list), shown, order


def row_page_urls(*, scope: Scope, period: Period, color: str, order: str, shown) -> dict:
    """Where the row pages' links lead: filters in the URL (UX.md), the colour kept."""

    def url(**params):
        base = {"period": period, "unit": scope.root, "color": color if color == "score" else None}
        return dashboard_url(**base, **params) + "#completion-title"

    keep = None if order == ORDER_ATTENTION else order
    return {
        "previous": url(order=keep, page=shown.previous_page_number()) if shown.has_previous() else None,
        "next": url(order=keep, page=shown.next_page_number()) if shown.has_next() else None,
        ORDER_ATTENTION: url(),
        ORDER_UNITS: url(order=ORDER_UNITS),
    }


def build_overview(
    *, scope: Scope, periods: list[Period], period: Period, color: str, order: str | None = None, page=None
) -> Overview:
    """Every panel of the dashboard: 7 queries at most whatever the size of the tree
    (tree rows, grouped counts, categories, warnings, ranking, trend; +1 for colour by score).
    The tables show at most ``ROWS_PAGE`` rows (``page_of_rows``); the totals count them all."""
    crumbs, rows = selectors.tree_units(scope)
    warning_counts: dict[str, int] = {}
    totals = selectors.fill_counts(scope, period, rows, warning_counts)
    # The root's own line only when it has reports of its own (a 党组 usually has some).
    rows = [row for row in rows if not (row.own and not row.total and len(rows) > 1)]
    if color == "score":
        selectors.fill_category_scores(scope, period, rows)
    # The heatmap's darkest step is the scope's best cell, on every page alike.
    top = max((v for row in rows for v in row.scores.values()), default=None) if color == "score" else 1
    row_count = len(rows)
    rows, shown, order = page_of_rows(rows, order=order, page=page)
    categories = selectors.categories()
    previous = selectors.previous_period(periods, period)
    # The first few of each kind: branches, 党总支 and 党委 are not ranked against each other.
    ranking, ranked_count = selectors.ranking(scope, period, previous, limit=30, per_kind=5)
    overview = Overview(
        period=period,
        periods=periods,
        previous=previous,
        scope=scope,
        crumbs=crumbs,
        rows=rows,
        totals=totals,
        categories=categories,
        color=color,
        warnings=selectors.warning_items(scope, period),
        ranking=ranking,
        ranked_count=ranked_count,
        trend=selectors.trend(scope, selectors.trend_window(periods, period)),
        warning_counts=warning_counts,
        row_page=shown,
        row_count=row_count,
        order=order,
        pages=row_page_urls(scope=scope, period=period, color=color, order=order, shown=shown) if shown else {},
    )
    labels = {s: str(Report.State(s).label) for s in selectors.STATES}
    words = {"unit": _("Unit"), "reports": _("Reports"), "share": _("Approved share"), "own": _("its own reports")}
    for row in rows:
        row.links = row_links(row, period, labels)
        row.html = row_html(row, scope, words)
    warned = {"red": _("Red warning"), "yellow": _("Yellow warning")}
    for report in overview.warnings:
        report.html = warning_html(report, warned)
    overview.heatmap = heatmap(rows, categories, period, color, top=top)
    return overview


WORST = {counting.RED: 2, counting.YELLOW: 1, counting.ON_TRACK: 0}


def compliance_panel(scope: Scope, rows: list, today=None) -> dict:
    """Units × record types for this half (履责纪实, 二、一): in each cell, how many of the
    units (of the row's subtree) carrying that type's duties are behind, of how many, as
    the worst badge among them. A cell of one unit leads to its records; a cell of a subtree
    to the same panel one level down. Two queries whatever the size of the tree; the
    dashboard loads it as a panel of its own (``views.compliance``), so the dashboard's
    own count stays as it was (DESIGN.md: ≤ 15)."""
    today = today or timezone.localdate()
    start, end = counting.half_of(today)
    units = None if scope.whole_organization else Unit.objects.filter(access.in_subtree(scope.root, ""))
    tallies = counting.tallies(counting.counted_assignments(units=units, year=start.year), today=today)
    if not tallies:
        return {}
    kinds = [k for k in WorkType.values if any(t.duty.record_type == k for t in tallies)]
    own = {row.unit.pk: row for row in rows if row.own}
    by_prefix = {row.unit.path: row for row in rows if not row.own}
    length = len(next(iter(by_prefix))) if by_prefix else 0
    cells: dict = {}
    for t in tallies:
        unit = t.assignment.unit
        row = own.get(unit.pk) or by_prefix.get(unit.path[:length])
        if row is None:
            continue
        # A unit counts once per type: its worst duty of that type (a 党组's members).
        per_unit = cells.setdefault((row.unit.pk, row.own), {}).setdefault(t.duty.record_type, {})
        if WORST[t.status] >= WORST[per_unit.get(unit.pk, counting.ON_TRACK)]:
            per_unit[unit.pk] = t.status
    records = reverse_records()
    lines = []
    for row in rows:
        mine = cells.get((row.unit.pk, row.own), {})
        if not mine:
            continue
        line = {"row": row, "cells": []}
        leaf = row.own or not row.unit.numchild
        for kind in kinds:
            statuses = list(mine.get(kind, {}).values())
            if not statuses:
                line["cells"].append(None)
                continue
            worst = max(statuses, key=WORST.__getitem__)
            if leaf:
                url = f"{records}?unit={row.unit.pk}&kind={kind}&since={start.isoformat()}&until={end.isoformat()}"
            else:
                url = dashboard_url("dashboard:compliance", unit=row.unit)
            behind = sum(1 for s in statuses if s != counting.ON_TRACK)
            line["cells"].append({"status": worst, "behind": behind, "total": len(statuses), "url": url})
        lines.append(line)
    labels = dict(WorkType.choices)
    return {"start": start, "end": end, "kinds": [labels[k] for k in kinds], "lines": lines}


def reverse_records() -> str:
    from django.urls import reverse

    return reverse("worklog:records")
