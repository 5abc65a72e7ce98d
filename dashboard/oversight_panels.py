"""整改 and 督办 on the dashboard: open, overdue and closed this half, by unit and by source,
each number leading to the list behind it (二、一 "检视整改再实化"; 三, 监督责任).

ONE query for both panels whatever the size of the tree: rectifications and notices are
grouped by the path prefix of the dashboard's rows (the same roll-up as the reports'
counts, ``selectors._row_prefix_length``) and by source, in a single ``UNION ALL``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import CharField, Count, F, Q, Value
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import Half, Period
from oversight.models import Rectification, SupervisionNotice

from . import selectors
from .links import dashboard_url
from .permissions import Scope

RState = Rectification.State
NState = SupervisionNotice.State

OPEN, OVERDUE, CLOSED = "open", "overdue", "closed"
STATUSES = (OPEN, OVERDUE, CLOSED)


def status_labels() -> dict[str, str]:
    return {OPEN: _("Not yet closed"), OVERDUE: _("Overdue"), CLOSED: _("Closed this half")}


def half_bounds(period: Period) -> tuple[datetime.datetime, datetime.datetime]:
    """The half year of ``period`` as [start, end) in local time: what "closed this half" counts."""
    zone = timezone.get_current_timezone()
    start = datetime.datetime(period.year, 1 if period.half == Half.FIRST else 7, 1, tzinfo=zone)
    end = (
        datetime.datetime(period.year, 7, 1, tzinfo=zone)
        if period.half == Half.FIRST
        else datetime.datetime(period.year + 1, 1, 1, tzinfo=zone)
    )
    return start, end


def status_q(kind: str, status: str, period: Period, today: datetime.date | None = None) -> Q:
    """The rows a status names: not yet closed (销号 / 办结), overdue (still with the unit
    after the deadline — a rectification reported done waits on its verifier, a notice
    replied to on its issuer), closed within the period's half year."""
    today = today or timezone.localdate()
    model = Rectification if kind == "rectification" else SupervisionNotice
    waiting = RState.OPEN if model is Rectification else NState.ISSUED
    closed = model.State.CLOSED
    if status == OPEN:
        return ~Q(state=closed)
    if status == OVERDUE:
        return Q(state=waiting, deadline__lt=today)
    start, end = half_bounds(period)
    return Q(state=closed, closed_at__gte=start, closed_at__lt=end)


@dataclass
class Tally:
    open: int = 0
    overdue: int = 0
    closed: int = 0

    def add(self, n_open: int, n_overdue: int, n_closed: int) -> None:
        self.open += n_open
        self.overdue += n_overdue
        self.closed += n_closed

    @property
    def total(self) -> int:
        return self.open + self.overdue + self.closed


@dataclass
class FollowUpRow:
    row: selectors.Row
    rectifications: Tally = field(default_factory=Tally)
    notices: Tally = field(default_factory=Tally)
    urls: dict = field(default_factory=dict)

    @property
    def unit(self):
        return self.row.unit

    @property
    def own(self) -> bool:
        return self.row.own


@dataclass
class FollowUp:
    period: Period
    scope: Scope
    rectifications: Tally
    notices: Tally
    rows: list[FollowUpRow]
    sources: list[dict]
    urls: dict

    @property
    def empty(self) -> bool:
        return not (self.rectifications.total or self.notices.total)


def _grouped(model, kind: str, scope: Scope, period: Period, length: int, today: datetime.date):
    source = F("source") if model is Rectification else Value("", output_field=CharField())
    return (
        model.objects.filter(scope.q())
        .annotate(kind=Value(kind, output_field=CharField()), prefix=Substr("unit__path", 1, length), src=source)
        .values("kind", "prefix", "src")
        .annotate(**{s: Count("pk", filter=status_q(kind, s, period, today)) for s in STATUSES})
        .values_list("kind", "prefix", "src", *STATUSES)
        .order_by()
    )


def list_url(kind: str, *, period: Period, unit=None, exact: bool = False, status=None, source=None) -> str:
    name = "dashboard:rectifications" if kind == "rectification" else "dashboard:notices"
    return dashboard_url(name, period=period, unit=unit, exact="on" if exact else None, status=status, source=source)


def build_follow_up(*, scope: Scope, period: Period, rows: list[selectors.Row]) -> FollowUp:
    """Both panels over the dashboard's ``rows`` (each a subtree, or the root's own line)."""
    today = timezone.localdate()
    length = selectors._row_prefix_length(scope)
    grouped = _grouped(Rectification, "rectification", scope, period, length, today).union(
        _grouped(SupervisionNotice, "notice", scope, period, length, today), all=True
    )
    lines = [FollowUpRow(row=row) for row in rows]
    by_prefix = {line.unit.path: line for line in lines}
    totals = {"rectification": Tally(), "notice": Tally()}
    by_source: dict[str, Tally] = {}
    for kind, prefix, source, *counts in grouped:
        totals[kind].add(*counts)
        line = by_prefix.get(prefix)
        if line is None and scope.root is not None and prefix == scope.root.path:
            # The root's own items, though the dashboard dropped its own line (no reports).
            line = FollowUpRow(row=selectors.Row(unit=scope.root, own=True))
            lines.append(line)
            by_prefix[prefix] = line
        if line is not None:
            (line.rectifications if kind == "rectification" else line.notices).add(*counts)
        if kind == "rectification":
            by_source.setdefault(source, Tally()).add(*counts)
    root = scope.root
    for line in lines:
        for kind in ("rectification", "notice"):
            line.urls[kind] = {
                s: list_url(kind, period=period, unit=line.unit, exact=line.own, status=s) for s in STATUSES
            }
    sources = [
        {
            "source": value,
            "label": label,
            "tally": by_source[value],
            "urls": {s: list_url("rectification", period=period, unit=root, status=s, source=value) for s in STATUSES},
        }
        for value, label in Rectification.Source.choices
        if value in by_source and by_source[value].total
    ]
    urls = {
        kind: {s: list_url(kind, period=period, unit=root, status=s) for s in STATUSES}
        for kind in ("rectification", "notice")
    }
    return FollowUp(
        period=period,
        scope=scope,
        rectifications=totals["rectification"],
        notices=totals["notice"],
        rows=[line for line in lines if line.rectifications.total or line.notices.total or not line.own],
        sources=sources,
        urls=urls,
    )
