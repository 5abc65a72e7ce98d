"""The report table's keys and indexes after issue 15 item 3 (docs/scale.md 4): opening a
period writes every index and checks every foreign key once per report, so the report keeps
only what a page or a key needs. The single-column indexes on period, unit and province are
gone (a composite index leads with each), and the assignment is checked by its composite
key ``(province_id, assignment_id)`` alone."""

import json

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import Report
from assessments.services import open_period
from tests.assessments.conftest import scheduled_period
from tests.services import need_postgres

pytestmark = pytest.mark.django_db


@pytest.fixture
def period(cast):
    made = scheduled_period(cast)
    open_period(period=made)
    return made


def _report_scans(plan: dict) -> list[dict]:
    """The plan's nodes that read the report table or one of its indexes."""
    found = []
    if plan.get("Relation Name") == "assessments_report" or "report" in plan.get("Index Name", ""):
        found.append(plan)
    for child in plan.get("Plans", []):
        found.extend(_report_scans(child))
    return found


def _unindexed_report_reads(queries) -> list[str]:
    """The SELECTs on reports whose plan reads the table without an index condition, when
    the planner is told to avoid sequential scans (so a tiny test table still shows which
    index serves the query: a full scan of an index, without a condition, is no better).
    Plain and index-only scans are switched off too, as in tests/dashboard/test_export_plans.py:
    on a table of a few hundred rows a walk of a whole index (for its order, or because
    earlier tests' dead entries swelled the index with the condition) costs within a few
    per cent of a read by the condition, and which wins moves with the statistics. Left
    with bitmap scans, a read has an index condition if the query gives one, and only then."""
    bad = []
    with connection.cursor() as cursor:
        cursor.execute("SAVEPOINT report_plans")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("SET LOCAL enable_indexonlyscan = off")
        for query in queries:
            sql = query["sql"]
            if not sql.startswith("SELECT") or '"assessments_report"' not in sql:
                continue
            cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
            plan = cursor.fetchone()[0]
            plan = json.loads(plan) if isinstance(plan, str) else plan
            for node in _report_scans(plan[0]["Plan"]):
                conditions = ("Index Cond", "Recheck Cond")
                if node["Node Type"] == "Seq Scan" or (
                    "Scan" in node["Node Type"] and not any(key in node for key in conditions)
                ):
                    bad.append(f"{node['Node Type']} {node.get('Index Name', '')}: {sql[:160]}")
        cursor.execute("ROLLBACK TO SAVEPOINT report_plans")
    return bad


@pytest.mark.parametrize(
    ("who", "page"),
    [
        ("secretary_a", "assessments:my_reports"),
        ("leader", "assessments:review_queue"),
        ("admin", "assessments:review_queue"),
        ("leader", "assessments:my_liaisons"),
        ("leader", "dashboard:index"),
        ("admin", "dashboard:index"),
    ],
)
def test_the_hot_pages_read_reports_through_an_index(cast, period, client_as, who, page):
    need_postgres()
    client = client_as(who)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(page))
    assert response.status_code == 200
    assert _unindexed_report_reads(queries.captured_queries) == []


def test_the_unit_page_reads_reports_through_an_index(cast, period, client_as):
    need_postgres()
    client = client_as("leader")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("assessments:unit", args=[cast.unit_a.pk]))
    assert response.status_code == 200
    assert _unindexed_report_reads(queries.captured_queries) == []


def test_a_report_of_no_assignment_is_refused_by_the_composite_key(cast, period):
    """Django declares no single-column key on the assignment any more: the composite one
    (core.province_keys) refuses what it refused."""
    need_postgres()
    report = Report.objects.filter(period=period).first()
    missing = Report.objects.order_by("-assignment_id").values_list("assignment_id", flat=True).first() + 1000
    with pytest.raises(IntegrityError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        Report.objects.filter(pk=report.pk).update(assignment_id=missing)
