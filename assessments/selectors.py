"""Reads of periods and reports that pages, tasks and commands share.

Every list here costs a fixed number of queries whatever the number of reports: rows come
with their duty, unit and category joined, and counts are grouped in the database.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.paginator import Paginator
from django.db import connections, router
from django.db.models import Count, F, FilteredRelation, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from core import provinces
from core.selectors import counted_paginator, given
from responsibilities import access
from responsibilities.models import Unit, UnitKind

from . import permissions
from .models import Half, Period, Report, ReportTally, warning_q

State = Report.State

# The columns every report list shows: the duty and its category, the unit, the period.
LIST_RELATED = ("period", "unit", "category", "assignment__duty")
# A list reading the duty joins the report's assignment: within the report's province
# (co-located on Citus, docs/scale.md 5).
ASSIGNMENT_JOINED = provinces.joined("assignment")


def current_period() -> Period | None:
    """The open period people are working in now (the newest, if two are open at once)."""
    return Period.objects.filter(state=Period.State.OPEN).order_by("-year", "-half").first()


def next_opening(today: datetime.date | None = None) -> datetime.date:
    """When the next period opens: a scheduled period's date, else the default of the half
    whose opening is next (MINGZE_PERIOD_DEFAULTS)."""
    today = today or timezone.localdate()
    scheduled = Period.objects.filter(state=Period.State.SCHEDULED, opens_on__gte=today).order_by("opens_on").first()
    if scheduled is not None:
        return scheduled.opens_on
    candidates = [
        Period.default_dates(year, half)["opens_on"] for year in (today.year, today.year + 1) for half in Half.values
    ]
    return min(day for day in candidates if day >= today)


def period_from_param(value: str | None) -> Period | None:
    """``2026-H1`` → that period, None when the text names no period."""
    value = (value or "").strip().upper()
    year, sep, half = value.partition("-H")
    if not (sep and year.isdigit() and half in ("1", "2")):
        return None
    return Period.objects.filter(year=int(year), half=int(half)).first()


def period_param(period: Period) -> str:
    return f"{period.year}-H{period.half}"


def my_reports(user, period: Period) -> list[Report]:
    """The period's reports of every post ``user`` carries (holds, or deputises for): one
    query.

    Ordered as 我的责任 groups them — post, category, then duty — with the number of files
    still attached to each.
    """
    carried = access.carried_post_ids(user)
    if not carried:
        return []
    return list(
        Report.objects.filter(
            provinces.joined("assignment", "assignment__post"),
            province__in=access.province_ids(user),
            period=period,
            assignment__post_id__in=sorted(carried),
        )
        .select_related(*LIST_RELATED, "reviewer", "assignment__post")
        # The files counted are joined within the report's province (co-located on Citus).
        .annotate(
            files=FilteredRelation(
                "evidence", condition=Q(evidence__removed_at__isnull=True, evidence__province=F("province"))
            ),
            evidence_count=Count("files"),
        )
        .order_by("unit__path", "assignment__post_id", "category__order", "assignment__duty__code")
    )


# The queue: each report with the columns it shows, oldest submission first.
QUEUE_RELATED = (*LIST_RELATED, "responsible")
QUEUE_ORDER = ("submitted_at", "pk")


def not_closed(qs: QuerySet) -> QuerySet:
    """The reports of ``qs`` whose period is not closed. A closed period is frozen
    (DESIGN.md, "Report life"; ``services.ensure_period_open`` refuses every step in it),
    so none of its reports waits for anyone: not in the queue, the 待审核 badge or a
    党组会议's choices. (The report tally's rows too: both carry their period.)"""
    return qs.exclude(period__state=Period.State.CLOSED)


def review_queue(
    user, *, state: str = State.SUBMITTED, unit: Unit | None = None, category=None, period: Period | None = None
) -> QuerySet:
    """Reports ``user`` may review, oldest submission first (first in, first reviewed);
    never one of a closed period, whatever the state asked for."""
    qs = not_closed(permissions.reviewable_by(user, Report.objects.all()))
    qs = qs.filter(listed_q(state=state, unit=unit, category=category, period=period))
    return qs.select_related(*QUEUE_RELATED).order_by(*QUEUE_ORDER)


# The filters a list of reports may ask — the review queue's, the dashboard's drill-down's —
# each a Q on the report's own columns; ``listed``: the period listed (a warning is a rule
# on the state and the due date against it). The report tally's rows carry the same
# columns for those of ``TALLIED`` (province, period, category, state, due date), so the
# same Q counts them there (``counted_from_tally``); a list asking another is counted from
# its rows. A new filter is written here once, for both ways of counting.
LIST_FILTERS = {
    "period": lambda period, listed: Q(period=period),
    "state": lambda state, listed: Q(state=state),
    "category": lambda category, listed: Q(category=category),
    "warning": lambda level, listed: warning_q(listed, level),
    "unit": lambda unit, listed: Q(unit=unit),  # one unit's own reports
    "late": lambda late, listed: Q(late=True),  # submitted after their due date
}
TALLIED = frozenset({"period", "state", "category", "warning"})


def listed_q(*, listed: Period | None = None, **asked) -> Q:
    """The reports — or the report tally's rows — that the filters ``asked`` (``LIST_FILTERS``
    by name) keep, each one given (``core.selectors.given``); ``listed``: the period whose
    warnings are asked for."""
    q = Q()
    for name, value in given(**asked).items():
        q &= LIST_FILTERS[name](value, listed)
    return q


def counted_from_tally(**asked) -> bool:
    """Whether the number of a list of reports filtered by ``asked`` is read from the report
    tally: where it is kept (``tally_kept``) and carries every filter given (``TALLIED``).
    Otherwise — SQLite, ``MINGZE_REPORT_TALLY`` off, a filter such as "submitted late" —
    the list's rows are counted. Whose reports the list holds is the caller's to ask of
    ``responsibilities.access`` (``reviewable_less``, ``sees_whole``)."""
    return set(given(**asked)) <= TALLIED and tally_kept()


def waiting_for_review(user) -> QuerySet:
    """The submitted reports ``user`` may review now: the 待审核 badge's count, the same
    reports as the queue's first page shows."""
    return not_closed(permissions.reviewable_by(user).filter(state=State.SUBMITTED))


def waiting_count(user) -> int:
    """The 待审核 badge's number: ``waiting_for_review(user).count()``, or the count the
    review queue's page read already when it showed exactly those reports (its default
    view: submitted, of every unit and category), so that page does not count twice."""
    known = getattr(user, "_mingze_waiting_count", None)
    return known if known is not None else waiting_for_review(user).count()


def counted_waiting(user, count: int) -> None:
    """The review queue's page tells the badge the count of ``waiting_for_review(user)``
    it read (the same reports) for the rest of the request."""
    user._mingze_waiting_count = count


def review_queue_count(
    user, *, state: str = State.SUBMITTED, unit: Unit | None = None, category=None, period: Period | None = None
) -> int | None:
    """How many reports ``review_queue(user, …)`` holds, where the report tally answers it:
    an admin's queue of every unit (no unit asked for) is every report of the installation's
    provinces less a few (``access.reviewable_less``) — at 50,000 units 1,550,000 reports in
    all states, 395 ms to count (docs/scale.md 4). Then the provinces' number of the state,
    category and period asked for, in the periods not closed, is read from the tally's rows
    of the roots (each report counted once, under its root), less the reports left out,
    counted row by row from their units, posts and submitter (each part off its own index,
    a report kept by two parts counted once): ONE query. None where the rows are counted
    (``review_queue_page``): a leader's, a 党组书记's or one unit's reports, a few units'
    worth; SQLite and ``MINGZE_REPORT_TALLY`` off (``counted_from_tally``)."""
    asked = {"state": state, "unit": unit, "category": category, "period": period}
    if not counted_from_tally(**asked):
        return None
    less = access.reviewable_less(user)
    if less is None:
        return None
    named, left_out = less
    tallied = not_closed(ReportTally.objects.filter(province__in=named, above="")).filter(listed_q(**asked))
    total = tallied.order_by().values(one=Value(1)).annotate(n=Coalesce(Sum("n"), 0)).values("n")
    reports = not_closed(Report.objects.filter(province__in=named)).filter(listed_q(**asked)).order_by()
    parts = [reports.filter(part).values("pk") for part in left_out]
    total_sql, total_params = total.query.sql_with_params()
    less_sql, less_params = parts[0].union(*parts[1:]).query.sql_with_params()
    with _reading().cursor() as cursor:
        cursor.execute(f"SELECT ({total_sql}) - (SELECT COUNT(*) FROM ({less_sql}) u)", [*total_params, *less_params])
        return cursor.fetchone()[0]


def _reading():
    """The connection reports are read on (the replica inside a heavy read, core/replica.py):
    SQL written by hand goes there too."""
    return connections[router.db_for_read(Report)]


def tally_kept() -> bool:
    """Whether counts are read from the per-period tally (``ReportTally``): on PostgreSQL,
    whose triggers (migration 0022) keep it in the transaction of every write of a report
    or move of a unit. Not on SQLite (`make run`, one office), and not where
    ``MINGZE_REPORT_TALLY`` is off: there the reports are counted."""
    return settings.MINGZE_REPORT_TALLY and _reading().vendor == "postgresql"


def tallied_count(where: Q, *, under: Unit | None = None) -> int:
    """How many reports ``where`` keeps — a Q on the columns the tally carries: province,
    period, category, state, due date (``warning_q``'s) — in ``under``'s subtree (None:
    every root's, the whole organization), read from the tally's rows of that subtree in
    one query: a few hundred rows where the reports are hundreds of thousands
    (docs/scale.md 4). The caller asks only where ``counted_from_tally``."""
    rows = ReportTally.objects.filter(where, Q(above="") if under is None else Q(prefix=under.path))
    return rows.aggregate(n=Coalesce(Sum("n"), 0))["n"]


def review_queue_page(queue: QuerySet, number, size: int, *, user, count: int | None = None):
    """One page of ``queue`` (``review_queue(user)``'s answer): the page's ids are picked
    first by the queue's own index (report_unit_state_queue) — the count and the ordering
    never join a duty, period or person — and only those rows are read with their columns,
    within the provinces the queue is read in (docs/scale.md 5). ``count``: the queue's
    number read already (``review_queue_count``), else its rows are counted."""
    ids = queue.values_list("pk", flat=True)
    paginator = Paginator(ids, size) if count is None else counted_paginator(ids, size, count=count)
    page = paginator.get_page(number)
    rows = queue.model.objects.filter(pk__in=page.object_list, province__in=access.review_province_ids(user))
    page.object_list = list(rows.filter(ASSIGNMENT_JOINED).select_related(*QUEUE_RELATED).order_by(*QUEUE_ORDER))
    return page


def next_in_queue(user, *, after: Report, **filters) -> int | None:
    """The id of the next submitted report waiting for ``user`` once ``after`` is dealt
    with: picked as the queue's pages pick theirs (``review_queue_page``), its id alone off
    the queue's index, oldest submission first. Read as a whole row joined to its duty,
    period and people, PostgreSQL joined and sorted every report waiting for the one link
    (issue 15: 70–100 ms of each reviewer's page at 2,000 units)."""
    return review_queue(user, **filters).exclude(pk=after.pk).values_list("pk", flat=True).first()


# A reviewer's unit filter lists their units when they are at most this many; beyond that
# (an admin over 50,000 units: a page of 4 MB, seconds to make) it asks for a unit's code
# (docs/scale.md 4, "The admin's review queue").
QUEUE_UNITS_LISTED = 500


def listed_units(units: QuerySet) -> list[Unit] | None:
    """``units`` (``reviewable_units``) as a list when they are at most
    ``QUEUE_UNITS_LISTED``, else None: one query, which stops after that many."""
    found = list(units[: QUEUE_UNITS_LISTED + 1])
    return found if len(found) <= QUEUE_UNITS_LISTED else None


def reviewable_units(user) -> QuerySet:
    """The units whose reports ``user`` reviews: the filter choices of the queue (never a
    unit in which they hold a post: its reports are someone else's to review). Only the
    units with reports of a period not closed, the only ones the queue can show
    (``not_closed``): the choices read the open half-year's reports, not ten years'."""
    reviewable = not_closed(permissions.reviewable_by(user))
    only = access.review_units_only(user)
    if only is None:  # an admin, a 党组书记: the units of the reports they review
        return Unit.objects.filter(pk__in=reviewable.values("unit_id"), active=True).order_by("path")
    # A leader: their liaison units, each asked whether it has one such report, rather than
    # every report of the units read (issue 15): a scalar subquery, which PostgreSQL does not
    # flatten into a join of all the reports as it does an EXISTS, and whose probe of
    # report_unit_state_queue stops at the unit's first report.
    first = Subquery(reviewable.filter(unit=OuterRef("pk")).order_by().values("pk")[:1])
    units = Unit.objects.filter(pk__in=only, active=True).alias(first_reviewable=first)
    return units.filter(first_reviewable__isnull=False).order_by("path")


# ---------------------------------------------------------------------------------------
# Completion numbers


@dataclass
class Completion:
    """How far a unit (or a subtree) is in a period, counted by state."""

    unit: Unit | None = None
    total: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    level: int = 0  # depth below the unit a roll-up is made for

    def count(self, state: str) -> int:
        return self.counts.get(state, 0)

    @property
    def approved(self) -> int:
        return self.count(State.APPROVED)

    @property
    def submitted(self) -> int:
        return self.count(State.SUBMITTED)

    @property
    def draft(self) -> int:
        return self.count(State.DRAFT)

    @property
    def returned(self) -> int:
        return self.count(State.RETURNED)

    @property
    def locked(self) -> int:
        return self.count(State.LOCKED)

    @property
    def handed_in(self) -> int:
        """Submitted or approved: what the unit has done its part on."""
        return self.submitted + self.approved

    def add(self, other: Completion) -> None:
        self.total += other.total
        for state, n in other.counts.items():
            self.counts[state] = self.counts.get(state, 0) + n


def _counts_by(qs: QuerySet, *group: str) -> list[dict]:
    states = {state: Count("id", filter=Q(state=state)) for state in State.values}
    return list(qs.values(*group).annotate(total=Count("id"), **states).order_by(*group))


ROLL_UP_KINDS = (UnitKind.LEADING_GROUP, UnitKind.ORGAN_COMMITTEE)


def subtree_completion(unit: Unit, period: Period) -> tuple[list[Completion], Completion]:
    """Every unit below ``unit`` (itself included) with its counts, and their sum.

    Two queries whatever the size of the tree: the units by materialized path, and the
    reports grouped by unit in the database (never one query per node).
    """
    units = list(Unit.objects.filter(access.in_subtree(unit, ""), active=True).order_by("path"))
    # A subtree lies within its root's province: named, the count is one shard's (docs/scale.md 5).
    reports = Report.objects.filter(access.in_subtree(unit), province=unit.province_id, period=period)
    rows = _counts_by(reports, "unit_id")
    by_unit = {row["unit_id"]: row for row in rows}
    lines = []
    total = Completion(unit=unit)
    for node in units:
        row = by_unit.get(node.pk)
        line = Completion(unit=node, level=node.depth - unit.depth)
        if row is not None:
            line.total = row["total"]
            line.counts = {state: row[state] for state in State.values}
        lines.append(line)
        total.add(line)
    return lines, total
