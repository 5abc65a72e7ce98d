"""Two admins move units between the same two provinces in opposite directions at the same
moment (real PostgreSQL, each move in its own connection): the moves queue, neither is
refused, and afterwards the tree, every row's province and the report tally are right.

The moves are lined up by a lock, not by timing: a recount of the whole tally
(``assessments.tally.refill``, which holds the reports in SHARE mode until its commit)
keeps the first move waiting, the second is started once the first waits, and the recount
commits once both wait. On a tree where each move locked rows statement by statement, the
second had by then shifted the first's unit to make room for its own (units are sorted by
code), while the first held the reports: "deadlock detected"."""

import io
import threading
import time

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from assessments import tally
from assessments.models import Report
from assessments.services import open_period
from responsibilities.models import PostKind, Unit, UnitKind
from responsibilities.services import assign_by_subject
from tests.assessments.conftest import scheduled_period
from tests.core.test_provinces import wrong_rows
from tests.factories import PostFactory, UnitFactory, UserFactory
from tests.services import need_postgres
from tests.threads import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

WAIT = 20  # seconds: far longer than any wait here takes; a lock never let go fails instead


@pytest.fixture(autouse=True)
def postgres():
    need_postgres()


@pytest.fixture
def two_provinces(cast):
    """The 党组's tree (its 机关党委 and 纪检监察组 below it) and another province's 党组 with
    two branches, one coded before the 纪检监察组 (HB) and one after (ZZ); reports of an open
    period in both."""
    other = UnitFactory(code="SHENG2", name="另一省党组", kind=UnitKind.LEADING_GROUP)
    PostFactory(unit=other, title="党组书记", held_by=UserFactory(username="s2_shuji"))
    early = UnitFactory(code="HB", name="另一省甲支部", parent=other)
    PostFactory(unit=early, title="支部书记", kind=PostKind.SECRETARY, held_by=UserFactory(username="s2_hb"))
    UnitFactory(code="ZZ", name="另一省乙支部", parent=other)
    assign_by_subject(checklist=cast.checklist)
    open_period(period=scheduled_period(cast))
    assert Report.objects.filter(unit=early).exists() and Report.objects.filter(province=other.pk).exists()
    return Unit.objects.get(pk=other.pk), Unit.objects.get(pk=early.pk)


def others_waiting(cursor) -> int:
    """How many other connections to this database wait for a lock (read afresh: within a
    transaction, PostgreSQL keeps the first reading of its activity view)."""
    cursor.execute("SELECT pg_stat_clear_snapshot()")
    cursor.execute(
        "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'"
    )
    return cursor.fetchone()[0]


def until_waiting(cursor, count: int) -> None:
    deadline = time.monotonic() + WAIT
    while others_waiting(cursor) < count:
        assert time.monotonic() < deadline, f"fewer than {count} moves ever waited"
        time.sleep(0.02)


def move(pk, under):
    Unit.objects.move(Unit.objects.get(pk=pk), Unit.objects.get(pk=under), "sorted-child")


def recount(cursor) -> None:
    tally.refill(cursor)  # holds the reports in SHARE mode until its commit


def lined_up(first, second, *, holding=recount) -> None:
    """Call ``first``, then ``second`` once the first waits for a transaction ``holding``
    a lock (by default a recount of the tally), which commits once both wait. Neither may
    fail."""
    held, first_waits = threading.Event(), threading.Event()

    def hold():
        with transaction.atomic(), connection.cursor() as cursor:
            holding(cursor)
            held.set()
            until_waiting(cursor, 1)
            first_waits.set()
            until_waiting(cursor, 2)

    def one():
        assert held.wait(WAIT)
        first()

    def other():
        assert first_waits.wait(WAIT)
        second()

    outcomes = run_together(hold, one, other, barrier=False, timeout=3 * WAIT)
    assert [o for o in outcomes if isinstance(o, Exception)] == []


def assert_counted():
    """Every row in its unit's province, the tally the reports counted afresh."""
    assert wrong_rows() == {}
    out = io.StringIO()
    call_command("recount_tally", "--check", stdout=out)
    assert "tally matches the reports" in out.getvalue()


def test_two_moves_between_two_provinces_in_opposite_directions_queue(cast, two_provinces):
    other, early = two_provinces
    home = cast.party_group
    # The 纪检监察组 under the other province's 党组, between HB and ZZ; and HB under the
    # 党组, before the 机关党委 and the 纪检监察组.
    lined_up(lambda: move(cast.discipline.pk, other.pk), lambda: move(early.pk, home.pk))

    discipline, early, home, other = (Unit.objects.get(pk=u.pk) for u in (cast.discipline, early, home, other))
    assert discipline.path.startswith(other.path) and discipline.province_id == other.pk
    assert early.path.startswith(home.path) and early.province_id == home.pk
    assert [u.code for u in Unit.objects.get_children(home)] == ["HB", "JGDW"]
    assert [u.code for u in Unit.objects.get_children(other)] == ["JJZ", "ZZ"]
    assert Unit.objects.find_problems() == ([], [], [], [], [])  # paths, depths and numchild kept
    assert_counted()


def test_two_moves_of_one_subtree_at_the_same_moment_keep_the_tree(cast, two_provinces):
    """Branch A under branch B, and branch B (with A, once the first commits) under the
    纪检监察组: the second reads the tree the first left, its paths rewritten whole."""
    lined_up(lambda: move(cast.unit_a.pk, cast.unit_b.pk), lambda: move(cast.unit_b.pk, cast.discipline.pk))

    unit_a, unit_b, discipline = (Unit.objects.get(pk=u.pk) for u in (cast.unit_a, cast.unit_b, cast.discipline))
    assert unit_a.path.startswith(unit_b.path) and unit_b.path.startswith(discipline.path)
    assert (unit_a.depth, unit_b.depth, discipline.numchild, unit_b.numchild) == (4, 3, 1, 1)
    assert Unit.objects.find_problems() == ([], [], [], [], [])
    assert_counted()


def test_a_merge_across_provinces_and_a_move_of_the_merged_units_parent_queue(cast, two_provinces):
    """Branch A merged into a branch of the other province (its drafts go with it) while
    the 机关党委 above it moves there too. The merge holds both provinces before it locks
    the two units, so the move waits for the merge's commit. Before, the move took the
    reports' lock with its first path rewritten (a sibling shifted to make room), then
    waited for branch A's row, which the merge held while it waited to write the reports:
    "deadlock detected"."""
    from oversight import reorganization

    other, _early = two_provinces
    successor = UnitFactory(code="HC", name="另一省丙支部", parent=other)
    PostFactory(unit=successor, title="支部书记", kind=PostKind.SECRETARY)
    drafts = set(Report.objects.filter(unit=cast.unit_a, state=Report.State.DRAFT).values_list("pk", flat=True))
    assert drafts

    def merge():
        reorganization.merge(
            unit=Unit.objects.get(pk=cast.unit_a.pk),
            into=Unit.objects.get(pk=successor.pk),
            on=timezone.localdate(),
            reason="撤并",
            actor=cast.admin,
        )

    def duties_held(cursor):  # the merge waits here, branch A's and its successor's rows locked
        cursor.execute("LOCK TABLE responsibilities_assignment IN SHARE MODE")

    lined_up(merge, lambda: move(cast.committee.pk, other.pk), holding=duties_held)

    assert set(Report.objects.filter(unit=successor).values_list("pk", flat=True)) == drafts
    assert Unit.objects.get(pk=cast.committee.pk).province_id == other.pk
    assert not Unit.objects.get(pk=cast.unit_a.pk).active
    assert Unit.objects.find_problems() == ([], [], [], [], [])
    assert_counted()
