"""Reads behind the dashboard, the ranking and the drill-down, each a fixed number of queries.

The rule that keeps the dashboard fast at province scale (DESIGN.md, "Targets"): every panel
is one grouped query in PostgreSQL over the denormalized ``Report.unit``/``category`` or the
stored ``UnitScore`` rows, and what Python does afterwards only walks the small grouped
result — never one query per unit. Rolling up the tree uses the materialized path: the
first ``(depth + 1) * steplen`` characters of a unit's path name the child of the root it
lies under, so grouping by that prefix rolls a whole subtree up in the database.
"""

from __future__ import annotations

import datetime
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections, router
from django.db.models import Avg, Count, F, Max, OuterRef, Q, QuerySet, Subquery, Sum, Window
from django.db.models.expressions import RawSQL
from django.db.models.functions import Rank, Substr
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from assessments.models import Period, Report, ReportTally, Warning, warning_level, warning_q
from assessments.selectors import counted_from_tally, listed_q, tallied_count, tally_kept
from core import pagecache
from core.provinces import joined
from responsibilities import access
from responsibilities.models import KIND_ORDER, Category, Unit, UnitKind
from scoring.models import ScoreLine, UnitScore

from .permissions import Scope

STATES = [
    Report.State.APPROVED,
    Report.State.SUBMITTED,
    Report.State.DRAFT,
    Report.State.RETURNED,
    Report.State.LOCKED,
]
# 晾晒 (二、三 "学先进、赶先进、当先进"): how many units at the top of a ranking are marked
# as the examples to learn from.
EXEMPLARS = 3
WARNINGS_SHOWN = 20
TREND_PERIODS = 6


# ---------------------------------------------------------------------------------------
# Periods


def dashboard_periods(*, stamped: Scope | None = None) -> list[Period]:
    """Periods that have reports (open or closed), newest first: one query, shared by the
    period picker, the default, the previous period and the trend window.

    ``stamped`` (a scope): each period also carries what the scope's grouped counts depend
    on (``_counts_stamp``), read in the same query — an index probe per period, within the
    scope's provinces, and the unit tree's fingerprint computed once (an InitPlan) — so the
    dashboard pays no separate query for it."""
    qs = Period.objects.exclude(state=Period.State.SCHEDULED).order_by("-year", "-half")
    kept = _kept_stamps() if stamped is not None else None
    counted = stamped is not None and not tally_kept()  # the tally needs no stamp: it is never old
    if counted:
        newest = _newest_change(stamped).filter(period=OuterRef("pk")).values("updated_at")[:1]
        qs = qs.annotate(reports_changed=Subquery(newest), snapshot_xmin=RawSQL(_snapshot_xmin_sql(), []))
    if stamped is not None and kept is None:
        qs = qs.annotate(tree_stamp=RawSQL(_tree_fingerprint_sql(), []))
    periods = list(qs)
    for period in periods:
        period.stamped_for = stamped if counted else None
        if kept is not None:
            period.tree_stamp = f"units:{kept['units']}"
            period.kept_stamps = kept
    return periods


def _newest_change(scope: Scope) -> QuerySet:
    """The scope's reports, newest change first: what its counts' stamp reads. The counts
    are the scope's, so is the stamp — its provinces named (docs/scale.md 5: on Citus a
    province's dashboard asks its own shard; the whole organization's names every root and
    asks every shard, one index probe each). A change elsewhere leaves its cache alone."""
    return Report.objects.filter(scope.province_q()).order_by("-updated_at")


def newest_period() -> Period | None:
    return Period.objects.exclude(state=Period.State.SCHEDULED).order_by("-year", "-half").first()


def previous_period(periods: list[Period], period: Period) -> Period | None:
    index = periods.index(period)
    return periods[index + 1] if index + 1 < len(periods) else None


def trend_window(periods: list[Period], period: Period, size: int = TREND_PERIODS) -> list[Period]:
    """``period`` and the ones before it, oldest first."""
    index = periods.index(period)
    return list(reversed(periods[index : index + size]))


def warning_filter(period: Period, level: str, today: datetime.date | None = None) -> Q:
    """The reports that carry warning ``level`` in ``period`` today, as a filter on their
    state and their own due date, from the module that derives warnings
    (``assessments.models.warning_q``), so the list page and the dashboard can never
    disagree with the report page."""
    return warning_q(period, level, today)


# ---------------------------------------------------------------------------------------
# Rows: the units a table shows, each standing for its whole subtree


@dataclass
class Row:
    unit: Unit
    own: bool = False  # the root's own reports, not its subtree
    counts: dict[str, int] = field(default_factory=dict)
    cells: dict[int, dict[str, int]] = field(default_factory=dict)  # category id → state → n
    scores: dict[int, Decimal] = field(default_factory=dict)  # category id → average points

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def count(self, state: str) -> int:
        return self.counts.get(state, 0)


def _row_prefix_length(scope: Scope) -> int:
    return (scope.root.depth + 1) * Unit.steplen if scope.root is not None else Unit.steplen


def tree_units(scope: Scope) -> tuple[list[Unit], list[Row]]:
    """The breadcrumb (root's ancestors and the root) and the rows: one query.

    Rows are the root's children, each rolled up over its subtree, then the root's own
    reports; for the whole organization, the roots. A post holder's breadcrumb starts at
    their own top unit (the units above it are not theirs to open).
    """
    root = scope.root
    if root is None:
        roots = [u for u in scope.upper if u.depth == 1] if scope.upper is not None else access.children_of(None)
        return [], [Row(unit=u) for u in roots]
    if not root.numchild and scope.floor_depth >= root.depth:
        return [root], [Row(unit=root, own=True)]  # a branch secretary's own branch: no query
    if scope.upper is not None:
        # The single root (``scope_for``'s default): every unit of depth 2 is its child.
        units = scope.upper
    else:
        ancestor_paths = [root.path[: Unit.steplen * n] for n in range(scope.floor_depth, root.depth + 1)]
        units = list((Unit.objects.filter(path__in=ancestor_paths) | access.children_of(root)).order_by("path"))
    crumbs = [u for u in units if u.depth <= root.depth]
    rows = [Row(unit=u) for u in units if u.depth > root.depth]
    rows.append(Row(unit=root, own=True))
    return crumbs, rows


def _rolled_up(inner, *, length: int, sums: list[str]) -> list[tuple]:
    """Run ``inner`` (grouped by unit_id and category_id) and roll it up in PostgreSQL to the
    first ``length`` characters of each unit's path: rows of (prefix, category_id, *sums).

    Two levels on purpose: the inner query is an index-only scan grouped in index order
    (report_period_unit_cat_state), the outer one joins units once per (unit, category)
    rather than once per report.
    """
    inner_sql, params = inner.query.sql_with_params()
    columns = ", ".join(f'SUM(g."{name}")' for name in sums)
    sql = (
        f"SELECT SUBSTRING(u.path, 1, %s) AS prefix, g.category_id, {columns} "
        f"FROM ({inner_sql}) g JOIN {Unit._meta.db_table} u ON u.id = g.unit_id GROUP BY 1, 2"
    )
    with _reading().cursor() as cursor:
        cursor.execute(sql, [length, *params])
        return cursor.fetchall()


def _reading():
    """The connection the ORM reads reports on here (the replica inside a heavy read,
    core/replica.py): SQL written by hand goes there too, so a cached result's stamp and
    the result come from the same database."""
    return connections[router.db_for_read(Report)]


def _scoped_reports(scope: Scope, period: Period):
    qs = Report.objects.filter(scope.province_q(), period=period)
    ids = scope.unit_ids()
    return qs if ids is None else qs.filter(unit_id__in=ids)


WARNED = (Warning.RED, Warning.YELLOW)


# An upper bound only: the stamp below already changes with every change that matters.
COUNTS_CACHE_SECONDS = 3600


def _scope_key(scope: Scope) -> str:
    """The counts of a subtree are the same whoever reads them: the root names them."""
    return str(scope.root.pk if scope.root is not None and not scope.whole_organization else 0)


def _kept_stamps() -> dict[str, str] | None:
    """The stamps of the unit tree and of the stored scores kept in the cache
    (``pagecache.watch_tables``, registered in apps.py: every write to the units', the
    scores' or the score lines' table replaces its stamp, at once and again at commit —
    a unit moved, renamed, closed by a merge, the bulk updates of ``core.provinces.refill``
    alike), in one round trip to the cache and no query: at ten times province scale the
    tree's fingerprint (``_tree_fingerprint_sql``) read 20,000 units on every page. None
    where they cannot stand for the tables: the database cache of `make run` (one office,
    and reading the cache is a query there too) and reads on a replica, which may not have
    replayed a write whose stamp is already new — there the tables are read."""
    if not pagecache.in_use() or _reading().alias != DEFAULT_DB_ALIAS:
        return None
    return pagecache.tables_stamps("units", "scores")


def _tree_fingerprint_sql() -> str:
    """A fingerprint of the unit tree, as a scalar SQL expression: each unit's path (a unit
    moved elsewhere changes which row it rolls up into) and what a cached ranking line
    shows of it or ranks it by (kind, code, names, active)."""
    units = Unit._meta.db_table
    columns = "id || ':' || path || ':' || kind || ':' || code || ':' || name || ':' || name_en || ':' || active"
    if _reading().vendor == "postgresql":
        # A sum of each unit's 64-bit hash: no sort and no long string (about half the time
        # of an MD5 over the ordered units at 20,000 units); one unit changed changes it.
        return f"(SELECT SUM(HASHTEXTEXTENDED({columns}, 0)::numeric) || ':' || COUNT(*) FROM {units})"
    # SQLite, the default of `make run`
    return f"(SELECT GROUP_CONCAT({columns}) FROM (SELECT * FROM {units} ORDER BY id))"


def _snapshot_xmin_sql() -> str:
    """A transaction id no later than that of any transaction whose writes a later statement
    may not see, as a scalar SQL expression (NULL where the database cannot say: SQLite).

    The oldest transaction of this database that had written something (``backend_xid``)
    when the statement ran, else the next id to be given: a transaction that has not
    written yet gets a later id when it does. Not the snapshot's own ``xmin``, which is the
    oldest writer of the whole cluster: another database's long transaction (a test run,
    another application) would make every change look new. ``pg_stat_activity`` is read once
    per transaction and kept; inside a transaction that began earlier it may be old, so
    there the snapshot's ``xmin`` is used — and on a replica (the dashboard reads one inside
    a heavy read, core/replica.py), whose ``pg_stat_activity`` does not list the primary's
    writers while its snapshot does. Running ids are within 2**31 behind the next id,
    which maps each 32-bit ``backend_xid`` back to its full 64-bit id.

    After the bound, as ``bound:id,id,…``, the writers running then (this database's; on a
    replica the snapshot's): counts read while one of them was open may lack what it
    commits later, with a time older than the newest change they saw — so once one of
    them has ended, the next read counts the rows written within the window again
    (``fill_counts``). Read in a transaction that began earlier, the bound alone."""
    if _reading().vendor != "postgresql":
        return "NULL"
    writer = "s.next - ((s.next %% 4294967296 - a.backend_xid::text::bigint + 4294967296) %% 4294967296)"
    return (
        "(SELECT CASE WHEN now() = statement_timestamp() AND NOT pg_is_in_recovery() THEN "
        "LEAST(s.next, MIN(w.xid))::text || COALESCE(':' || STRING_AGG(w.xid::text, ',' ORDER BY w.xid), '') "
        "WHEN pg_is_in_recovery() THEN MIN(s.oldest)::text || COALESCE(':' || (SELECT STRING_AGG(x::text, ',') "
        "FROM pg_snapshot_xip(pg_current_snapshot()) x), '') "
        "ELSE MIN(s.oldest)::text END "
        "FROM (SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint AS next, "
        "pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS oldest) s "
        f"LEFT JOIN LATERAL (SELECT {writer} AS xid FROM pg_stat_activity a "
        "WHERE a.datname = current_database() AND a.backend_xid IS NOT NULL) w ON TRUE "
        "GROUP BY s.next)"
    )


def _counts_stamp(period: Period, scope: Scope) -> tuple:
    """What the grouped counts of ``period`` depend on, read in one cheap query: the newest
    ``updated_at`` of its reports (an index probe on report_period_updated; every change to
    a report goes through ``save()`` or ``bulk_create``, both of which stamp it — nothing
    updates reports with ``QuerySet.update`` or deletes them) and a fingerprint of the unit
    tree (a unit moved elsewhere changes which row it rolls up into; a unit closed by a
    merge, whose reports went to its successor, changes it too). The scope's reports only,
    within its provinces (``_newest_change``); and the oldest transaction still running
    then (``_snapshot_xmin_sql``: what counts read after it may have missed was written by
    that transaction or a later one)."""
    if getattr(period, "stamped_for", None) is scope:  # read with the period (dashboard_periods)
        return period.reports_changed, period.tree_stamp, *_snapshot(period.snapshot_xmin)
    newest, params = _newest_change(scope).filter(period=period.pk).values("updated_at")[:1].query.sql_with_params()
    kept = _kept_stamps()
    tree_sql = _tree_fingerprint_sql() if kept is None else "%s"
    tree_params = [] if kept is None else [f"units:{kept['units']}"]
    with _reading().cursor() as cursor:
        cursor.execute(f"SELECT ({newest}), {tree_sql}, {_snapshot_xmin_sql()}", [*params, *tree_params])
        changed_at, tree, xmin = cursor.fetchone()
    if isinstance(changed_at, str):  # SQLite hands a hand-written query's time back as text (UTC)
        changed_at = parse_datetime(changed_at)
        if timezone.is_naive(changed_at):
            changed_at = timezone.make_aware(changed_at, datetime.UTC)
    return changed_at, tree, *_snapshot(xmin)


def _snapshot(value: str | None) -> tuple[int | None, tuple[int, ...]]:
    """``_snapshot_xmin_sql``'s text: the bound and the writers running then."""
    if value is None:
        return None, ()
    bound, _sep, running = value.partition(":")
    return int(bound), tuple(int(xid) for xid in running.split(",") if xid)


# A change is read again when it is younger than the cached counts' newest change less this:
# a transaction that saved a report earlier but committed after the counts were read (a
# request's or a batch's transaction lasts seconds; longer ones are bounded by the timeout).
LATE_COMMIT = datetime.timedelta(minutes=5)

# Of the reports saved within that window, only those written by a transaction the cached
# counts may not have seen are read again: one whose id is not older than the bound read
# with the stamp the counts were kept under (``_snapshot_xmin_sql``). Every older
# transaction of this database had ended by then, so what it wrote is in the counts. A row's
# ``xmin`` is a 32-bit transaction id (it wraps round); it is compared the way PostgreSQL
# does, on the circle: "not before" means less than 2**31 ahead. Conservative both ways: a
# row of a transaction that started after the stamp, or of one still running then, is read
# again even when the counts happened to include it. (Not on Citus, where a distributed
# table's row versions are the workers' own: there the window alone would have to decide.)
_WRITTEN_FROM = "((w.writer - %s + 4294967296) %% 4294967296) < 2147483648"

# The changed rows are looked for only when the period's window holds at most this share of
# the scope's reports (counted first on report_period_updated, stopping there); beyond
# that, or when they make up half the rows or more, the whole scope is counted in one go:
# then a page right after a change never costs more than one full count and that small probe.
PROBE_SHARE = 8
PROBE_MIN = 1000


def _changed_prefixes(
    scope: Scope, period: Period, *, since, written_from: int | None, length: int, limit: int
) -> set[str] | None:
    """The rows (their path prefixes) holding a report of ``scope`` saved after ``since``
    by a transaction not older than ``written_from``, in one query; None, without reading
    them, when more than ``limit`` reports of the period were saved after ``since``."""
    table = Report._meta.db_table
    window = (
        _scoped_reports(scope, period)
        .filter(updated_at__gt=since)
        .annotate(writer=RawSQL(f'"{table}".xmin::text::bigint', []))
        .values("unit_id", "writer")
        .order_by()
    )
    inner_sql, params = window.query.sql_with_params()
    # Named by province like every read of reports (docs/scale.md 5).
    saved = Report.objects.filter(scope.province_q(), period=period, updated_at__gt=since).values("pk")
    saved_sql, saved_params = saved[: limit + 1].query.sql_with_params()
    new, new_params = (_WRITTEN_FROM, [written_from % 2**32]) if written_from is not None else ("TRUE", [])
    sql = (
        f"WITH n AS (SELECT COUNT(*) AS c FROM ({saved_sql}) c) "
        f"SELECT CASE WHEN n.c > %s THEN NULL ELSE ARRAY("
        f"SELECT DISTINCT SUBSTRING(u.path, 1, %s) FROM ({inner_sql}) w "
        f"JOIN {Unit._meta.db_table} u ON u.id = w.unit_id WHERE {new}) END FROM n"
    )
    with _reading().cursor() as cursor:
        cursor.execute(sql, [*saved_params, limit, length, *params, *new_params])
        (prefixes,) = cursor.fetchone()
    return None if prefixes is None else set(prefixes)


def _grouped_counts(scope: Scope, period: Period, today: datetime.date, *, prefixes=None) -> list[tuple]:
    """Reports of ``period`` in ``scope`` per row prefix, category and state, with the red and
    yellow counts: ONE grouped query. ``prefixes``: only those rows, each whole."""
    length = _row_prefix_length(scope)
    reports = _scoped_reports(scope, period)
    if prefixes is not None:
        rows = Unit.objects.annotate(prefix=Substr("path", 1, length)).filter(prefix__in=sorted(prefixes))
        reports = reports.filter(unit_id__in=rows.values("pk"))
    levels = {level: Count("id", filter=warning_filter(period, level, today)) for level in WARNED}
    inner = (
        reports.values("unit_id", "category_id")
        .annotate(**{state: Count("id", filter=Q(state=state)) for state in STATES}, **levels)
        .order_by()
    )
    # Plain ints (SUM() gives numeric): the lines are pickled into the cache on every change.
    return [
        (prefix, category_id, *map(int, sums))
        for prefix, category_id, *sums in _rolled_up(inner, length=length, sums=[*STATES, *WARNED])
    ]


def _tallied_counts(scope: Scope, period: Period, today: datetime.date) -> list[tuple]:
    """``_grouped_counts``'s lines — (prefix, category_id, *states, red, yellow) — read from
    the tally in ONE grouped query: the rows of the root's children (``above`` is the
    root's path) and the root's own subtree (``prefix`` is its path), within the scope's
    provinces; for the whole organization without a single root, the roots' rows. The
    root's own reports are its subtree's less its children's. At 50,000 units this reads
    a few thousand rows per page instead of the period's 1,500,000 reports
    (docs/scale.md 4), and, being kept with every write, needs no cache and no stamp."""
    root = scope.root
    # The roots' rows, or the root's children's and its own subtree's.
    rows = Q(above="") if root is None else Q(above=root.path) | Q(prefix=root.path)
    tallied = ReportTally.objects.filter(scope.province_q(), rows, period=period)
    # The same warning rule as the reports' (state and own due date against today).
    levels = {level: Sum("n", filter=warning_filter(period, level, today)) for level in WARNED}
    found = (
        tallied.values_list("prefix", "category_id")
        .annotate(**{state: Sum("n", filter=Q(state=state)) for state in STATES}, **levels)
        .order_by()
    )
    lines = [(prefix, category_id, *(int(n or 0) for n in sums)) for prefix, category_id, *sums in found]
    lines = [line for line in lines if any(line[2:])]  # rows left at 0 by the triggers
    if root is None:
        return lines
    below: dict[int, list[int]] = defaultdict(lambda: [0] * (len(STATES) + len(WARNED)))
    for prefix, category_id, *sums in lines:
        if prefix != root.path:
            below[category_id] = [a + b for a, b in zip(below[category_id], sums, strict=True)]
    own = [
        (prefix, category_id, *(a - b for a, b in zip(sums, below[category_id], strict=True)))
        for prefix, category_id, *sums in lines
        if prefix == root.path
    ]
    # A category the root has none of its own in: no line (no empty cell), as when counted.
    return [line for line in lines if line[0] != root.path] + [line for line in own if any(line[2:])]


def fill_counts(
    scope: Scope, period: Period, rows: list[Row], warnings: dict[str, int] | None = None
) -> dict[str, int]:
    """Reports per row, category and state for ``period``, rolled up by path prefix in the
    database; returns the totals per state over the whole scope, and fills ``warnings`` with
    the red and yellow counts, each report on its own due date (counted in the same query:
    the index it reads carries ``due_on``).

    The grouped result is kept in the cache under the tree's fingerprint and the day
    (warnings change at midnight), with the newest change of a report it counts: while
    nothing changed, a page costs the stamp's small query; after a change, a probe finds
    the rows holding a report written since by a transaction the counts may not have seen
    (``_counted_again``) and one grouped query counts only those rows' reports, not every
    report of the period (at ten times province scale a whole count is 620,000 reports, a
    row of a 机关党委 1,500); none when no row of the scope changed, and the whole scope in
    one go when the changed rows are half of them or more.

    Where the database keeps the per-period tally (``tally_kept``), the lines are read from
    it on every page instead (``_tallied_counts``): no stamp, no cache, never old."""
    by_prefix = {row.unit.path: row for row in rows}
    totals: dict[str, int] = defaultdict(int)
    today = timezone.localdate()
    grouped = _tallied_counts(scope, period, today) if tally_kept() else _cached_counts(scope, period, today)
    warned: dict[str, int] = defaultdict(int)
    for line in grouped:  # (prefix, category_id, *states, *levels)
        for level, n in zip(WARNED, map(int, line[2 + len(STATES) :]), strict=True):
            warned[level] += n
    if warnings is not None:
        warnings.update(warned)
    for prefix, category_id, *counts in grouped:
        row = by_prefix.get(prefix)
        cell = row.cells.setdefault(category_id, {}) if row is not None else {}
        for state, n in zip(STATES, map(int, counts[: len(STATES)]), strict=True):  # SUM() gives numeric
            if not n:
                continue
            totals[state] += n
            if row is not None:
                row.counts[state] = row.counts.get(state, 0) + n
                cell[state] = cell.get(state, 0) + n
    return dict(totals)


def _cached_counts(scope: Scope, period: Period, today: datetime.date) -> list[tuple]:
    """``_grouped_counts``'s lines kept in the cache under the counts' stamp, counted again
    (only the changed rows where it can) when the stamp moved: ``fill_counts`` without the
    tally."""
    changed_at, tree, xmin, running = _counts_stamp(period, scope)
    tree_key = hashlib.sha256(str(tree).encode()).hexdigest()[:32]  # a short key with no spaces
    key = f"dashboard:counts:{period.pk}:{_scope_key(scope)}:{tree_key}:{today.isoformat()}"
    kept = cache.get(key)
    # A writer running when the counts were kept may since have committed a report whose
    # time is older than their newest change (it saved before another that committed
    # first): the stamp did not move, yet the counts lack it. Once such a writer has ended,
    # the rows written within the window are counted again, once.
    if kept is not None and kept["at"] == changed_at and not set(kept.get("running", ())) - set(running):
        grouped = kept["lines"]
    else:
        grouped = None
        if kept is not None and kept["at"] is not None and changed_at is not None and changed_at >= kept["at"]:
            grouped = _counted_again(scope, period, today, kept)
        if grouped is None:
            grouped = _grouped_counts(scope, period, today)
        cache.set(
            key, {"at": changed_at, "xmin": xmin, "running": running, "lines": grouped}, timeout=COUNTS_CACHE_SECONDS
        )
    return grouped


def _counted_again(scope: Scope, period: Period, today: datetime.date, kept: dict) -> list[tuple] | None:
    """The cached lines with the rows holding a report changed since counted again, or None
    when counting the whole scope costs no more (too many reports in the window, or half
    the rows or more changed)."""
    if _reading().vendor != "postgresql" or not pagecache.in_use():
        # SQLite or the database cache (`make run`): one office's reports, and with the
        # cache in the database its own reads are queries too — counted whole.
        return None
    lines = kept["lines"]
    counted = sum(sum(line[2 : 2 + len(STATES)]) for line in lines)
    prefixes = _changed_prefixes(
        scope,
        period,
        since=kept["at"] - LATE_COMMIT,
        written_from=kept.get("xmin"),
        length=_row_prefix_length(scope),
        limit=max(PROBE_MIN, counted // PROBE_SHARE),
    )
    if prefixes is None or 2 * len(prefixes) > len({line[0] for line in lines}):
        return None
    if not prefixes:  # the change was outside the scope, or already counted
        return lines
    fresh = _grouped_counts(scope, period, today, prefixes=prefixes)
    return [line for line in lines if line[0] not in prefixes] + fresh


def fill_category_scores(scope: Scope, period: Period, rows: list[Row]) -> None:
    """Average points given per report, per row and category (the heatmap by score).

    Score lines carry neither period nor category, so the grouped query joins every line of
    the period to its report (about half a second at province scale). Stored scores change
    only when a period is scored again, so the grouped result is cached under the newest
    ``computed_at`` of the period's scores: one small query per page, the join only after a
    (re)scoring.
    """
    stamp = UnitScore.objects.filter(scope.province_q(), period=period).aggregate(at=Max("computed_at"), n=Count("id"))
    if not stamp["n"]:
        return
    key = f"dashboard:heat-scores:{period.pk}:{_scope_key(scope)}:{stamp['at'].isoformat()}:{stamp['n']}"
    grouped = cache.get(key)
    if grouped is None:
        lines = ScoreLine.objects.filter(scope.province_q(), kind=ScoreLine.Kind.REPORT, unit_score__period=period)
        ids = scope.unit_ids()
        if ids is not None:
            lines = lines.filter(report__unit_id__in=ids)
        inner = (
            lines.values(unit_id=F("report__unit_id"), category_id=F("report__category_id"))
            .annotate(points=Sum("points"), n=Count("id"))
            .order_by()
        )
        grouped = _rolled_up(inner, length=_row_prefix_length(scope), sums=["points", "n"])
        cache.set(key, grouped, timeout=24 * 3600)
    by_prefix = {row.unit.path: row for row in rows}
    for prefix, category_id, points, n in grouped:
        row = by_prefix.get(prefix)
        if row is not None and n:
            row.scores[category_id] = points / n


def categories() -> list[Category]:
    return list(Category.objects.order_by("order", "code"))


# The drill-down list's filters on the reports of its period (``views.reports``), besides
# its scope (the unit, "this unit only"): ``assessments.selectors.LIST_FILTERS``.
LISTED = ("category", "state", "warning", "late")


def listed_filters(filters: dict) -> dict:
    """The filters of the drill-down list asked for in ``filters`` (its form's data; a box
    left unticked, "submitted late", is no filter)."""
    return {name: filters.get(name) or None for name in LISTED}


def listed_where(period: Period, filters: dict) -> Q:
    """The reports (or tally rows) of ``period`` the drill-down list's filters keep, its
    scope aside: the same Q whether its rows or the tally are counted."""
    return Q(period=period) & listed_q(listed=period, **listed_filters(filters))


def listed_count(user, scope: Scope, period: Period, filters: dict) -> int | None:
    """The number of reports the drill-down list shows (``views.reports``: the reports of
    ``period`` ``user`` sees within ``scope``, of the category, state and warning asked
    for) read from the report tally, where it answers the same question: ``user`` sees the
    scope whole (``access.sees_whole``: their view of the reports is the subtree's every
    report) and nothing is asked that the tally does not carry (``late``:
    ``counted_from_tally``). At 50,000 units the whole organization's red reports were
    240 ms to count (docs/scale.md 4); from the tally, its roots' rows. None: count the
    rows — also for a root's own reports alone (``exact``), one unit's, which its index
    finds faster than the tally's rows of all its children (70 ms under the root of 50,000
    units)."""
    if filters.get("exact") or not counted_from_tally(period=period, **listed_filters(filters)):
        return None
    if not access.sees_whole(user, scope.root, Report):
        return None
    return tallied_count(scope.province_q() & listed_where(period, filters), under=scope.root)


# ---------------------------------------------------------------------------------------
# Warnings


def warning_items(scope: Scope, period: Period, today: datetime.date | None = None, limit: int = WARNINGS_SHOWN):
    """Red and yellow reports, oldest (longest untouched) first: one query, none when the
    period carries no such warning today."""
    today = today or timezone.localdate()
    if period.state == Period.State.SCHEDULED:
        return []
    warned = warning_filter(period, Warning.RED, today) | warning_filter(period, Warning.YELLOW, today)
    # The ids first, in a subquery: PostgreSQL then walks report_period_updated in order
    # and stops at ``limit``, instead of joining every red report before sorting.
    oldest = _scoped_reports(scope, period).filter(warned).order_by("updated_at", "id")
    items = list(
        Report.objects.filter(scope.province_q(), joined("assignment"), pk__in=oldest.values("pk")[:limit])
        .select_related("unit", "category", "assignment__duty")
        .order_by("updated_at", "id")
    )
    for item in items:
        item.period = period  # already loaded; warning() reads its dates
        item.warning_now = warning_level(item.state, period, today, due_on=item.due_on)
    return items


# ---------------------------------------------------------------------------------------
# Ranking (晾晒)


@dataclass
class Ranked:
    """One unit's line in the ranking. ``position`` and ``ranked`` count within the unit's
    own kind: branches are ranked with branches, 党总支 with 党总支 (like with like)."""

    unit: Unit
    score: Decimal
    position: int
    ranked: int
    previous_score: Decimal | None
    previous_position: int | None

    @property
    def kind(self) -> str:
        return self.unit.kind

    @property
    def exemplary(self) -> bool:
        """前三名 among the units of its kind: a place in the ranking, not an honour (先进 is
        conferred by a Party organization, 二、三)."""
        return self.position <= EXEMPLARS

    @property
    def change(self) -> Decimal | None:
        return None if self.previous_score is None else self.score - self.previous_score

    @property
    def moved(self) -> int | None:
        """Places gained since the previous period (positive: up)."""
        return None if self.previous_position is None else self.previous_position - self.position


@dataclass
class KindGroup:
    """The lines of one unit kind, in the order the ranking shows them."""

    kind: str
    lines: list[Ranked]

    @property
    def label(self) -> str:
        return str(UnitKind(self.kind).label) if self.kind in UnitKind.values else self.kind

    @property
    def ranked(self) -> int:
        return self.lines[0].ranked if self.lines else 0


def by_kind(lines: list[Ranked]) -> list[KindGroup]:
    """``lines`` (as ``ranking`` returns them, kind by kind) grouped by unit kind."""
    groups: list[KindGroup] = []
    for line in lines:
        if not groups or groups[-1].kind != line.kind:
            groups.append(KindGroup(kind=line.kind, lines=[]))
        groups[-1].lines.append(line)
    return groups


def _kind_order_sql(column: str) -> tuple[str, list]:
    whens = " ".join("WHEN %s THEN %s" for _kind in KIND_ORDER)
    params = [value for order, kind in enumerate(KIND_ORDER) for value in (str(kind), order)]
    return f"CASE {column} {whens} ELSE %s END", [*params, len(KIND_ORDER)]


# An upper bound only: the key below changes with every change of what the ranking reads.
RANKING_CACHE_SECONDS = 24 * 3600


def _scores_stamp(periods: list[Period]) -> str:
    """What a ranking or a trend over ``periods`` depends on, in one small query: per
    period, the newest ``computed_at`` of its stored scores and how many there are (an
    index-only scan of unitscore_period_computed; scores change only when a period is
    scored again, and every (re)computation stamps every row it writes — ``auto_now`` —
    while a score deleted alone changes the count), and the unit tree's fingerprint (a
    unit moved, renamed or made another kind changes the lines and who is ranked with
    whom). The fingerprint is the one read with the period on the dashboard
    (``dashboard_periods(stamped=scope)``), else read in the same query. Where the cache
    keeps the tables' stamps (``_kept_stamps``), those instead, and no query at all."""
    ids = [period.pk for period in periods]
    kept = getattr(periods[0], "kept_stamps", None) or _kept_stamps()
    if kept is not None:  # the tables' stamps: no query
        stamp = f"{ids};scores:{kept['scores']};units:{kept['units']}"
        return hashlib.sha256(stamp.encode()).hexdigest()[:32]
    tree = getattr(periods[0], "tree_stamp", None)
    tree_sql = "NULL" if tree is not None else _tree_fingerprint_sql()
    marks = ", ".join(["%s"] * len(ids))
    sql = (
        f"SELECT period_id, MAX(computed_at), COUNT(*), {tree_sql} FROM {UnitScore._meta.db_table} "
        f"WHERE period_id IN ({marks}) GROUP BY period_id ORDER BY period_id"
    )
    with _reading().cursor() as cursor:
        cursor.execute(sql, ids)
        found = cursor.fetchall()
    if tree is None:
        tree = found[0][3] if found else ""
    stamp = f"{ids};" + ";".join(f"{pk}:{at}:{n}" for pk, at, n, _tree in found) + f";{tree}"
    return hashlib.sha256(stamp.encode()).hexdigest()[:32]


def ranking(
    scope: Scope,
    period: Period,
    previous: Period | None,
    *,
    limit: int = 10,
    offset: int = 0,
    kind: str | None = None,
    per_kind: int | None = None,
) -> tuple[list[Ranked], int]:
    """Units below the root ranked by their period score, kind by kind, with the change
    since ``previous``.

    Like with like: positions are counted within each unit kind (branches with branches,
    党总支 with 党总支, 机关党委 with 直属单位党委 apart), so 前三名 means the first three of
    a kind. Lines come kind by kind (``KIND_ORDER``), each kind best first; ``kind`` keeps
    one kind only, ``per_kind`` keeps at most that many lines of each kind (the dashboard's
    panel), ``limit``/``offset`` page through the whole list.

    The positions are window functions over both periods in PostgreSQL
    (``RANK() OVER (PARTITION BY period, kind ORDER BY score DESC)``), the current period
    joined to the previous one by unit: about 100 ms over the 40,000 scores of two periods
    at ten times province scale. They depend only on the stored scores and the tree, so
    the lines are kept in the cache under ``_scores_stamp``: a page costs that stamp's
    small query, and the window runs again only after a (re)scoring or a change of the
    tree — never because a report changed. (Not with the database cache of `make run`,
    where the cache's own reads and writes are queries and the tree is one office's.)
    People limited to their own units see their own line, ranked among the units of its
    kind beside it. Returns the page of lines and how many units are ranked (all kinds).
    """
    root = scope.root
    if scope.own_line:
        # Ranked among the units under the same parent, i.e. where the unit itself stands.
        parent_path, parent_depth = root.path[: -Unit.steplen], root.depth - 1
    elif root is not None:
        parent_path, parent_depth = root.path, root.depth
    else:
        parent_path, parent_depth = "", 0
    period_ids = [period.pk] + ([previous.pk] if previous else [])
    parent = Unit(path=parent_path, depth=parent_depth) if parent_path else None
    scores = UnitScore.objects.filter(access.in_subtree(parent), period_id__in=period_ids, unit__depth__gt=parent_depth)
    # Within the root's province, or the whole organization's roots' (docs/scale.md 5).
    scores = scores.filter(scope.province_q())
    if kind is not None:
        scores = scores.filter(unit__kind=kind)
    ranked = (
        # The 纪检监察组 supervises the units, it is not ranked among them (一、三).
        scores.exclude(unit__kind=UnitKind.DISCIPLINE_GROUP)
        .annotate(
            position=Window(Rank(), partition_by=[F("period_id"), F("unit__kind")], order_by=F("score").desc()),
            ranked=Window(Count("id"), partition_by=[F("period_id"), F("unit__kind")]),
        )
        .values("unit_id", "period_id", "score", "position", "ranked")
    )
    inner_sql, inner_params = ranked.query.sql_with_params()
    only_sql, only_params = "", []
    if scope.own_line:
        only_sql, only_params = " AND c.unit_id = %s", [root.pk]
    order_sql, order_params = _kind_order_sql("u.kind")
    unit_table = Unit._meta.db_table
    sql = (
        f"WITH r AS ({inner_sql}), lines AS ("
        f"SELECT c.unit_id, c.score, c.position, c.ranked, p.score AS previous_score, "
        f"p.position AS previous_position, u.path, u.depth, u.name, u.name_en, u.kind, u.code, u.active, "
        f"{order_sql} AS kind_order, "
        f"ROW_NUMBER() OVER (PARTITION BY u.kind ORDER BY c.position, u.path) AS nth, COUNT(*) OVER () AS total "
        f"FROM r c JOIN {unit_table} u ON u.id = c.unit_id "
        f"LEFT JOIN r p ON p.unit_id = c.unit_id AND p.period_id = %s "
        f"WHERE c.period_id = %s{only_sql}) "
        f"SELECT unit_id, score, position, ranked, previous_score, previous_position, path, depth, name, name_en, "
        f"kind, code, active, total FROM lines WHERE nth <= %s "
        f"ORDER BY kind_order, position, path LIMIT %s OFFSET %s"
    )
    params = [
        *inner_params,
        *order_params,
        previous.pk if previous else None,
        period.pk,
        *only_params,
        per_kind if per_kind is not None else 2**31 - 1,
        limit,
        offset,
    ]
    if not pagecache.in_use():  # the database cache of `make run`: one office, a small tree
        with _reading().cursor() as cursor:
            cursor.execute(sql, params)
            return _ranked_lines(cursor.fetchall())
    key = ":".join(
        str(part)
        for part in (
            "dashboard:ranking",
            _scores_stamp([period] + ([previous] if previous else [])),
            parent_path or "-",
            root.province_id if parent is not None else "-",
            kind or "-",
            root.pk if scope.own_line else "-",
            per_kind,
            limit,
            offset,
        )
    )
    fetched = cache.get(key)
    if fetched is None:
        with _reading().cursor() as cursor:
            cursor.execute(sql, params)
            fetched = cursor.fetchall()
        cache.set(key, fetched, timeout=RANKING_CACHE_SECONDS)
    return _ranked_lines(fetched)


def _ranked_lines(fetched: list[tuple]) -> tuple[list[Ranked], int]:
    lines = [
        Ranked(
            unit=Unit(
                id=uid, path=path, depth=depth, name=name, name_en=name_en, kind=unit_kind, code=code, active=active
            ),
            score=score,
            position=position,
            ranked=count,
            previous_score=prev_score,
            previous_position=prev_position,
        )
        for (
            uid,
            score,
            position,
            count,
            prev_score,
            prev_position,
            path,
            depth,
            name,
            name_en,
            unit_kind,
            code,
            active,
            _total,
        ) in fetched
    ]
    return lines, (fetched[0][-1] if fetched else 0)


# ---------------------------------------------------------------------------------------
# Trend


@dataclass
class TrendPoint:
    period: Period
    subtree_score: Decimal | None = None
    own_score: Decimal | None = None
    reports: int = 0
    on_time: int = 0

    @property
    def on_time_rate(self) -> float | None:
        return (100 * self.on_time / self.reports) if self.reports else None


def trend(scope: Scope, window: list[Period]) -> list[TrendPoint]:
    """Score and on-time rate per period over ``window``: one grouped query on the stored
    scores. ``UnitScore.reports``/``on_time`` count each unit's own reports, so summing
    them over the subtree gives the subtree's rate.

    Like the ranking, it depends only on the stored scores and the tree: kept in the cache
    under ``_scores_stamp`` of the window (about 30 ms over 120,000 scores at ten times
    province scale, a report's change does not read them again)."""
    points = {p.pk: TrendPoint(period=p) for p in window}
    if not window:
        return []
    key = None
    if pagecache.in_use():  # not with the database cache of `make run` (see ``ranking``)
        root = scope.root
        key = (
            f"dashboard:trend:{_scores_stamp(window)}:"
            f"{root.pk if root is not None else '-'}:{root.province_id if root is not None else '-'}"
        )
        grouped = cache.get(key)
        if grouped is not None:
            return _trend_points(points, grouped)
    grouped = _trend_grouped(scope, list(points))
    if key is not None:
        cache.set(key, grouped, timeout=RANKING_CACHE_SECONDS)
    return _trend_points(points, grouped)


def _trend_grouped(scope: Scope, period_ids: list[int]) -> list[dict]:
    root = scope.root
    if root is not None:
        subtree = Max("subtree_score", filter=Q(unit_id=root.pk))
        own = Max("score", filter=Q(unit_id=root.pk))
    else:
        subtree = Avg("subtree_score", filter=Q(unit__depth=1))
        own = Avg("score", filter=Q(unit__depth=1))
    return list(
        UnitScore.objects.filter(period_id__in=period_ids)
        .filter(scope.q())
        .values("period_id")
        .annotate(subtree=subtree, own=own, reports_n=Sum("reports"), on_time_n=Sum("on_time"))
        .order_by()
    )


def _trend_points(points: dict, grouped: list[dict]) -> list[TrendPoint]:
    for item in grouped:
        point = points[item["period_id"]]
        point.subtree_score = item["subtree"]
        point.own_score = item["own"]
        point.reports = item["reports_n"] or 0
        point.on_time = item["on_time_n"] or 0
    return list(points.values())
