"""The per-period tally behind the dashboard's counts (issue 16, docs/scale.md 4): kept by
PostgreSQL's triggers in the transaction of every write — a period opened, a submission, an
approval, a return, a merge's transfer, a unit moved in the tree, a due date moved — it is
always the reports counted afresh, and the page shows each change at once. At 50,000 units
the whole organization's counts are read from it (a few thousand rows), not from the
period's 1,500,000 reports."""

import datetime
import importlib
import re
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.models import Period, Report, ReportTally
from assessments.services import approve_report, open_period, return_report, submit_report
from core import pagecache
from dashboard import selectors
from oversight import reorganization
from responsibilities.models import Unit
from tests.assessments.conftest import scheduled_period
from tests.factories import UnitFactory
from tests.services import need_postgres

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def postgres():
    need_postgres()


def counted() -> dict:
    """What the tally must hold: every report counted under each prefix of its unit's path."""
    found = Counter()
    step = Unit.steplen
    rows = Report.objects.values_list("province_id", "period_id", "unit__path", "category_id", "state", "due_on")
    for province, period, path, category, state, due_on in rows:
        for k in range(1, len(path) // step + 1):
            found[(province, period, path[: k * step], path[: (k - 1) * step], category, state, due_on)] += 1
    return dict(found)


def tally() -> dict:
    rows = ReportTally.objects.exclude(n=0).values_list(
        "province_id", "period_id", "prefix", "above", "category_id", "state", "due_on", "n"
    )
    return {tuple(key): n for *key, n in rows}


def overview(client, **params):
    pagecache.bump()  # made afresh: the counts below it are what is checked
    response = client.get(reverse("dashboard:index"), params)
    assert response.status_code == 200
    return response.context["o"]


def numbers(o):
    rows = {(row.unit.code, row.own): dict(row.counts) for row in o.rows}
    cells = {(row.unit.code, row.own): {k: dict(v) for k, v in row.cells.items()} for row in o.rows}
    return rows, cells, dict(o.totals), dict(o.warning_counts)


def from_reports(client, settings, **params):
    """The same page with the counts read from the reports (the tally off), cache emptied."""
    from django.core.cache import cache

    settings.MINGZE_REPORT_TALLY = False
    cache.clear()
    try:
        return numbers(overview(client, **params))
    finally:
        settings.MINGZE_REPORT_TALLY = True


@pytest.fixture
def period(cast):
    made = scheduled_period(cast)
    open_period(period=made)
    return made


def test_a_period_opened_is_tallied_and_every_step_of_a_report_changes_the_page(cast, period, client_as, settings):
    assert Report.objects.filter(period=period).count() > 10  # opened in bulk (INSERT … SELECT)
    assert tally() == counted()
    leader = client_as("leader")
    before = overview(leader)
    assert before.totals["draft"] == Report.objects.filter(period=period, state="draft").count()
    assert numbers(before) == from_reports(leader, settings)
    report = Report.objects.filter(period=period, unit=cast.unit_a).first()

    submit_report(report_id=report.pk, actor=cast.secretary_a, content="召开专题会议")
    submitted = overview(leader)
    assert submitted.totals.get("submitted", 0) == before.totals.get("submitted", 0) + 1
    assert submitted.totals["draft"] == before.totals["draft"] - 1
    assert tally() == counted()

    return_report(report_id=report.pk, actor=cast.leader, comment="请补充")
    returned = overview(leader)
    assert returned.totals.get("returned", 0) == before.totals.get("returned", 0) + 1
    assert returned.totals.get("submitted", 0) == before.totals.get("submitted", 0)
    assert tally() == counted()

    submit_report(report_id=report.pk, actor=cast.secretary_a, content="召开专题会议 2 次")
    approve_report(report_id=report.pk, actor=cast.leader, grade="good")
    approved = overview(leader)
    assert approved.totals.get("approved", 0) == before.totals.get("approved", 0) + 1
    assert tally() == counted()
    assert numbers(approved) == from_reports(leader, settings)
    # The subtree of the 机关党委, its own line and its branches' (the root's own reports are
    # its subtree's less its children's).
    assert numbers(overview(leader, unit=cast.committee.pk)) == from_reports(leader, settings, unit=cast.committee.pk)


def test_a_period_is_counted_once_when_it_opens_not_batch_by_batch(cast):
    """Its batches write no tally row (the period shows nowhere before it opens); the
    opening counts it in the transaction that opens it — after a crash, the resumed
    opening counts every report once."""
    made = scheduled_period(cast)
    seen = []

    def crash_after_first(done):
        seen.append(ReportTally.objects.filter(period=made).count())
        if len(seen) == 1:
            raise RuntimeError("the worker died")

    with pytest.raises(RuntimeError):
        open_period(period=made, batch_size=2, after_batch=crash_after_first)
    made.refresh_from_db()
    assert made.state == Period.State.SCHEDULED and made.reports.exists()
    open_period(period=made, batch_size=2, after_batch=crash_after_first)
    assert len(seen) > 2 and set(seen) == {0}
    assert Period.objects.get(pk=made.pk).state == Period.State.OPEN
    assert tally() == counted() and made.reports.count() > 2


def test_reports_inserted_after_an_opening_in_the_same_transaction_are_counted(cast, period):
    """The opening's batches are left to it, not what its caller's transaction writes next."""
    report = Report.objects.filter(period=period, unit=cast.unit_a).first()
    report.delete()
    report.pk = None
    report.save()
    assert tally() == counted()


def test_a_content_save_writes_no_tally_row(cast, period):
    report = Report.objects.filter(period=period, unit=cast.unit_a).first()
    before = dict(ReportTally.objects.values_list("pk", "n"))
    report.content = "改"
    report.save()
    assert dict(ReportTally.objects.values_list("pk", "n")) == before


def test_the_page_reads_the_tally_not_the_reports_for_its_counts(cast, period, client_as):
    leader = client_as("leader")
    overview(leader)
    report = Report.objects.filter(period=period, unit=cast.unit_a).first()
    submit_report(report_id=report.pk, actor=cast.secretary_a, content="召开专题会议")
    pagecache.bump()
    with CaptureQueriesContext(connection) as captured:
        o = leader.get(reverse("dashboard:index")).context["o"]
    sql = [q["sql"] for q in captured]
    assert len([q for q in sql if ReportTally._meta.db_table in q]) == 1
    assert not [q for q in sql if "SUBSTRING" in q and "GROUP BY 1, 2" in q]  # no count of reports
    assert not [q for q in sql if q.startswith("WITH n AS")]  # no probe of changed rows
    assert o.totals["submitted"] >= 1


def test_a_unit_moved_in_the_tree_takes_its_counts_to_its_new_place(cast, period, client_as, settings):
    leader = client_as("leader")
    before = numbers(overview(leader, unit=cast.committee.pk))
    moved = Report.objects.filter(period=period, unit=cast.unit_b).count()
    assert moved and ("ZBB", False) in before[0]
    Unit.objects.move(Unit.objects.get(pk=cast.unit_b.pk), Unit.objects.get(pk=cast.party_group.pk), "sorted-child")
    assert tally() == counted()
    after = numbers(overview(leader, unit=cast.committee.pk))
    assert ("ZBB", False) not in after[0]
    assert sum(after[2].values()) == sum(before[2].values()) - moved
    assert after == from_reports(leader, settings, unit=cast.committee.pk)
    # Under another root (another province): its reports' province follows, and the tally.
    other = UnitFactory(code="SHENG2", name="另一省党组", kind="leading_group")
    Unit.objects.move(Unit.objects.get(pk=cast.unit_b.pk), Unit.objects.get(pk=other.pk), "sorted-child")
    assert set(Report.objects.filter(unit=cast.unit_b).values_list("province_id", flat=True)) == {other.pk}
    assert tally() == counted()


def test_a_merge_moves_the_open_reports_counts_to_the_successor(cast, period, client_as, settings):
    leader = client_as("leader")
    reorganization.merge(unit=cast.unit_b, into=cast.unit_a, on=timezone.localdate(), reason="合并", actor=cast.admin)
    assert tally() == counted()
    assert numbers(overview(leader, unit=cast.committee.pk)) == from_reports(leader, settings, unit=cast.committee.pk)


def test_a_due_date_moved_moves_the_warnings(cast, period, client_as, settings):
    """The period's due date moved by the admin (an UPDATE of every report due then): the
    red and yellow counts follow, each report on its own date."""
    leader = client_as("leader")
    today = timezone.localdate()
    before = overview(leader)
    moved = Period.objects.get(pk=period.pk)
    moved.due_on = today - datetime.timedelta(days=1)
    moved.save()
    assert tally() == counted()
    after = overview(leader)
    red = Report.objects.filter(period=period, state__in=Report.UNSUBMITTED, due_on__lt=today).count()
    assert after.warning_counts["red"] == red > before.warning_counts.get("red", 0)
    assert numbers(after) == from_reports(leader, settings)


def test_the_migrations_fill_gives_what_the_triggers_keep(cast, period):
    """An installed deployment's reports, counted by the data migration: the same rows."""
    submit_report(
        report_id=Report.objects.filter(period=period, unit=cast.unit_a).first().pk,
        actor=cast.secretary_a,
        content="召开专题会议",
    )
    before = tally()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM assessments_reporttally")
        cursor.execute(migration("0022_report_tally").FILL)
    assert tally() == before == counted()


def migration(name: str):
    return importlib.import_module(f"assessments.migrations.{name}")


class Recorded:
    """A schema editor that keeps what a migration's step would execute."""

    def __init__(self):
        self.connection, self.statements = connection, []

    def execute(self, statement):
        self.statements.append(statement)


TALLY_MIGRATIONS = ("0022_report_tally", "0023_report_tally_turns", "0025_report_tally_turn")


def test_the_migrations_own_their_sql_and_a_fresh_database_has_exactly_it():
    """0022, 0023 and 0025 install triggers and their functions from SQL frozen in
    themselves, never from live code (``assessments.tally`` may change; a migration must
    keep meaning what it did: ``tests/upgrade/test_frozen_migrations.py``); the test
    database, migrated from nothing, runs exactly their functions and triggers."""
    made = Recorded()
    for name in TALLY_MIGRATIONS:
        migration(name).forward(None, made)
    functions = installed_functions(made.statements)
    triggers: dict[str, tuple] = {}
    for statement in made.statements:
        if dropped := re.match(r"DROP TRIGGER IF EXISTS (\w+) ", statement):
            triggers.pop(dropped.group(1), None)
        elif statement.startswith("CREATE TRIGGER"):
            triggers.update([trigger(statement)])
    assert len(functions) == 7 and len(triggers) == 8
    with connection.cursor() as cursor:
        cursor.execute("SELECT proname, prosrc FROM pg_proc WHERE proname LIKE 'assessments\\_%%tally%%'")
        assert dict(cursor.fetchall()) == functions
        cursor.execute(
            "SELECT pg_get_triggerdef(t.oid) FROM pg_trigger t WHERE NOT t.tgisinternal AND t.tgname LIKE '%%tally%%'"
        )
        installed = dict(trigger(row[0].replace(" public.", " ")) for row in cursor.fetchall())
    assert installed == triggers


def installed_functions(statements: list[str]) -> dict[str, str]:
    """Each function's body as ``statements`` leave it (a later ``CREATE OR REPLACE`` wins)."""
    return {
        match.group(1): match.group(2)
        for statement in statements
        if (match := re.search(r"FUNCTION (\w+)\([^)]*\) RETURNS \w+ .*? AS \$\$(.*)\$\$;", statement, re.S))
    }


def trigger(statement: str) -> tuple[str, tuple]:
    """A trigger's name, and its event, table, transition tables, condition or none, function."""
    made = re.match(
        r"CREATE TRIGGER (\w+) AFTER (\w+) ON (\w+) REFERENCING (.*?) FOR EACH STATEMENT (.*?) ?EXECUTE FUNCTION (\w+)",
        statement,
    )
    name, event, table, transition, when, function = made.groups()
    return name, (event, table, transition, "mingze.report_tally" in when, function)


def test_the_whole_organization_and_a_secretary_see_the_numbers_counted_from_the_reports(
    cast, data, client_as, settings
):
    for who, params in (("leader", {}), ("admin", {}), ("secretary_a", {}), ("leader", {"unit": cast.committee.pk})):
        client = client_as(who)
        assert numbers(overview(client, **params)) == from_reports(client, settings, **params), who
    assert selectors.tally_kept()
