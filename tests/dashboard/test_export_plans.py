"""The exports read a page of units at a time, and each page's queries must cost in
proportion to the page, never to the organization. A page's reports joined to their units
(for the tree's order) and assignments (for the duty) were planned, at 50,000 units and
under the export's server-side cursor, as a walk of every unit of the organization in path
order for each page of 200 — or, on other statistics, as a hash of every assignment: an
export growing with the square of the organization (docs/scale.md 7). Which plan wins is
a matter of costs a few per cent apart, so the check is on what the queries ask, not on one plan:

- no query run for a page joins two tables that grow with the organization (units,
  assignments, posts, reports, scores): each reads one of them, by the page's ids or the
  ids the page's rows name (a correlated subquery per row is an index lookup, not a join);
- replayed under ``EXPLAIN (ANALYZE)`` with sequential and plain index scans off (the tables
  here are a few hundred rows, which the planner reads whole whatever the query says), every
  scan of those tables has an index condition: nothing reads a whole table for a page.
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench import data as bench_data
from bench import history
from dashboard.exports import data, excel
from dashboard.exports.data import pack_content
from responsibilities.models import Unit
from tests.services import need_postgres

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

UNITS = 240  # the organization: 720 reports in the exported period, 720 assignments
PER_UNIT = 3
PAGE = 20  # units a page: 60 reports

GROWING = {
    "responsibilities_unit",
    "responsibilities_assignment",
    "responsibilities_post",
    "assessments_report",
    "scoring_unitscore",
    "scoring_scoreline",
}


READS_REPORTS = re.compile(r'SELECT .*? FROM "(assessments_report|scoring_scoreline)"', re.DOTALL)


@pytest.fixture
def organization():
    need_postgres()
    bench_data.generate(seed=5, units=UNITS, per_unit=PER_UNIT, leaders=2)
    year, half = history.current_half(timezone.localdate())
    (period,), _n = history.closed_periods(history.halves_before(year, half, 1), seed=5)
    history.stored_scores([period])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return period


def unindexed_scans(sql: str) -> list[str]:
    """The scans of growing tables with no index condition when ``sql`` runs."""
    found = []

    def walk(node):
        if node.get("Relation Name") in GROWING and not indexed(node):
            found.append(f"{node['Node Type']} on {node['Relation Name']}")
        for child in node.get("Plans", []):
            walk(child)

    def indexed(node) -> bool:  # an index condition, on the scan or its bitmap's index scans
        return "Index Cond" in node or any(indexed(child) for child in node.get("Plans", []))

    with connection.cursor() as cursor:
        cursor.execute("SAVEPOINT plan_check")
        cursor.execute("SET LOCAL enable_seqscan = off")
        # Nor a walk of a whole index: a pack's units are a quarter of this small table,
        # which a plain index scan would read end to end on some statistics and not on
        # others. Left with bitmap scans, a scan has an index condition if the query
        # gives it one, and only then.
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("SET LOCAL enable_indexonlyscan = off")
        cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
        (plan,) = cursor.fetchone()[0]
        cursor.execute("ROLLBACK TO SAVEPOINT plan_check")
    walk(plan["Plan"])
    return found


def per_page(monkeypatch, run) -> list[tuple[list[Unit], list[str]]]:
    """Each page of units ``run`` goes through, with the queries it ran for that page."""
    monkeypatch.setattr(data, "UNITS_PER_CHUNK", PAGE)
    pages = []
    real = data.unit_chunks

    def recorded(root, size=None):
        for units in real(root, size):
            pages.append((units, len(queries.captured_queries)))
            yield units

    monkeypatch.setattr(excel, "unit_chunks", recorded)
    with CaptureQueriesContext(connection) as queries:
        run()
    ends = [start for _units, start in pages[1:]] + [len(queries.captured_queries)]
    return [
        (units, [q["sql"] for q in queries.captured_queries[start:end] if q["sql"].startswith("SELECT")])
        for (units, start), end in zip(pages, ends, strict=True)
    ]


def assert_within_the_page(statements: list[str]) -> None:
    assert statements
    for sql in statements:
        joined = [table for table in GROWING if f'JOIN "{table}"' in sql]
        assert not joined, f"a page's query joins {joined}:\n{sql}"
        assert not unindexed_scans(sql), f"{unindexed_scans(sql)}:\n{sql}"


def test_each_page_of_the_excel_export_reads_rows_of_the_page_only(organization, monkeypatch, tmp_path):
    pages = per_page(
        monkeypatch, lambda: excel.write_workbook(period=organization, root=None, path=tmp_path / "book.xlsx")
    )
    assert len(pages) == UNITS // PAGE
    for _units, statements in pages:
        assert_within_the_page(statements)


def test_the_hearing_pack_reads_the_reports_and_lines_of_its_units_only(organization):
    """The pack reads its units once (at most a few hundred), not a page at a time: a join
    elsewhere costs the organization once, not once per page. Its reports and score lines,
    the rows by the thousand, are read by the units' ids all the same."""
    committee = Unit.objects.filter(depth=2, numchild__gt=0).order_by("path").first()
    with CaptureQueriesContext(connection) as queries:
        content = pack_content(organization, committee)
    assert not content.partial and 1 < len(content.accounts) < UNITS
    reads = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")]
    reports = [sql for sql in reads if READS_REPORTS.match(sql)]
    assert len(reports) >= 4  # their counts, score lines, problems and every report
    assert_within_the_page(reports)
