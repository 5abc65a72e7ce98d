"""The tally's turn written once (docs/scale.md 4, assessments migration 0025): a database at
the migration before, its tally kept by 0023's triggers, migrated forward. The triggers
then call ``assessments_tally_turn``, a writer takes the very lock a writer took before
the upgrade (a writer still running the old triggers and one running the new take turns),
and a write after the upgrade leaves the tally the reports counted afresh; migrated back,
the database has 0023's functions again, to the letter."""

import pytest
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Sum

from assessments import tally
from assessments.models import Report, ReportTally
from tests.dashboard.test_report_tally import Recorded, installed_functions, migration, period  # noqa: F401 (a fixture)
from tests.services import need_postgres
from tests.upgrade.conftest import executor_at

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BEFORE = [("assessments", "0024_filed_in")]
LOCKS = ("assessments_report_lock_tally", "assessments_unit_lock_tally")


def lock_functions(cursor) -> dict[str, str]:
    cursor.execute("SELECT proname, prosrc FROM pg_proc WHERE proname = ANY(%s)", [list(LOCKS)])
    return dict(cursor.fetchall())


def turn_installed(cursor) -> bool:
    cursor.execute("SELECT to_regprocedure('assessments_tally_turn(bigint, bigint)') IS NOT NULL")
    return cursor.fetchone()[0]


def submitted_with_its_turn(report: Report) -> list[int]:
    """Submit ``report`` (a state changed: counted again), and the keys of the transaction
    locks its writer holds before the commit."""
    with transaction.atomic(), connection.cursor() as cursor:
        Report.objects.filter(pk=report.pk).update(state=Report.State.SUBMITTED)
        cursor.execute(
            "SELECT (classid::bigint << 32) | objid::bigint FROM pg_locks "
            "WHERE locktype = 'advisory' AND pid = pg_backend_pid() ORDER BY 1"
        )
        return [row[0] for row in cursor.fetchall()]


def test_an_upgraded_tally_takes_the_same_turn_and_keeps_its_counts_through_a_write(cast, period):  # noqa: F811
    need_postgres()
    before, after = Report.objects.filter(period=period, unit=cast.unit_a, state=Report.State.DRAFT)[:2]
    made = Recorded()
    migration("0023_report_tally_turns").forward(None, made)
    as_0023_made = {name: body for name, body in installed_functions(made.statements).items() if name in LOCKS}
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        executor_at(BEFORE)
        with connection.cursor() as cursor:
            assert lock_functions(cursor) == as_0023_made
            assert not turn_installed(cursor)
        old_turn = submitted_with_its_turn(before)
        assert len(old_turn) == 1
        with connection.cursor() as cursor:
            assert tally.differences(cursor) == []

        executor_at(leaves)
        with connection.cursor() as cursor:
            assert turn_installed(cursor)
            assert all(
                "assessments_tally_turn(key.province_id, key.period_id)" in body
                for body in lock_functions(cursor).values()
            )
        assert submitted_with_its_turn(after) == old_turn  # the same province's period: the same lock
        with connection.cursor() as cursor:
            assert tally.differences(cursor) == []
            tally.refill(cursor, period.pk)  # the recount's turn is the function's too
            assert tally.differences(cursor) == []
        submitted = Report.objects.filter(period=period, state=Report.State.SUBMITTED).count()
        roots = ReportTally.objects.filter(period=period, above="", state=Report.State.SUBMITTED)
        assert roots.aggregate(n=Sum("n"))["n"] == submitted >= 2
    finally:
        executor_at(leaves)
