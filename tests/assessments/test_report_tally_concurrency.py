"""The per-period tally under concurrent writers (docs/scale.md 4): two transactions that
change reports sharing tally rows (the same province, period, category, state and due
date under their root) in opposite orders, a unit moved while its reports change, a merge
beside the nightly lock of a period — none ends in a deadlock, and the tally is the
reports counted afresh after all of them committed."""

import threading
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction

from assessments import tally
from assessments.models import Half, Period, Report
from assessments.services import lock_reports
from core.errors import TransitionError
from oversight import reorganization
from responsibilities.models import Unit
from tests.core.test_provinces_spanning import two_provinces  # noqa: F401 (a fixture)
from tests.services import need_postgres
from tests.threads import backend_pid, run_together, wait_until_blocked

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def postgres():
    need_postgres()


def failures(*calls) -> list:
    """The calls run together (each ordering itself by events), each one's exception or None."""
    outcomes = run_together(*calls, barrier=False)
    return [outcome if isinstance(outcome, Exception) else None for outcome in outcomes]


class Peer:
    """The other thread of a test, as the first one sees it: the first holds its locks until
    the other is seen waiting for them (not a fixed sleep: on a loaded machine the other
    thread may start late, and the two would not meet at all)."""

    def __init__(self):
        self.pid, self.ready, self.done = None, threading.Event(), threading.Event()

    def runs(self, call):
        def run():
            self.pid = backend_pid()
            self.ready.set()
            try:
                return call()
            finally:
                self.done.set()

        return run

    def waits_for_me(self) -> bool:
        """In the first thread, holding its locks: whether the other waited for one of them
        (False: it finished without waiting)."""
        assert self.ready.wait(timeout=60), "the other thread never started"
        return wait_until_blocked(self.pid, done=self.done.is_set)


def assert_tally_is_a_recount():
    with connection.cursor() as cursor:
        assert tally.differences(cursor) == []


def two_pairs(period):
    """Two draft reports of one tally key (province, category, due date) and two of
    another key of the same province: changed, each pair shares its root's rows."""
    by_key: dict[tuple, list[int]] = {}
    for pk, *key in (
        Report.objects.filter(period=period, state=Report.State.DRAFT)
        .order_by("pk")
        .values_list("pk", "province_id", "category_id", "due_on")
    ):
        by_key.setdefault(tuple(key), []).append(pk)
    keys = [key for key, ids in by_key.items() if len(ids) >= 2]
    first = keys[0]
    second = next(key for key in keys if key != first and key[0] == first[0])
    return by_key[first][:2], by_key[second][:2]


def submit(pk):
    Report.objects.filter(pk=pk).update(state=Report.State.SUBMITTED)


def test_two_transactions_changing_shared_tally_rows_in_opposite_orders_do_not_deadlock(cast, period):
    (a1, b2), (a2, b1) = two_pairs(period)  # a1 and b2 share one key, a2 and b1 the other
    first_done, peer, met = threading.Event(), Peer(), []

    def one():
        with transaction.atomic():
            submit(a1)
            first_done.set()
            met.append(peer.waits_for_me())  # the other is now in its transaction, waiting
            submit(a2)

    def other():
        first_done.wait(timeout=60)
        with transaction.atomic():
            submit(b1)
            submit(b2)

    errors = failures(one, peer.runs(other))
    assert errors == [None, None], errors
    assert met == [True]
    assert Report.objects.filter(pk__in=[a1, a2, b1, b2], state=Report.State.SUBMITTED).count() == 4
    assert_tally_is_a_recount()


def test_a_unit_moved_while_one_of_its_reports_changes_keeps_every_count(cast, period):
    report = Report.objects.filter(period=period, unit=cast.unit_a, state=Report.State.DRAFT).first()
    target = Unit.objects.exclude(pk=cast.unit_a.pk).exclude(path__startswith=cast.unit_a.path).first()
    changed, peer, met = threading.Event(), Peer(), []

    def change():
        with transaction.atomic():
            submit(report.pk)
            changed.set()
            met.append(peer.waits_for_me())  # the move runs meanwhile

    def move():
        changed.wait(timeout=60)
        unit = Unit.objects.get(pk=cast.unit_a.pk)
        Unit.objects.move(unit, Unit.objects.get(pk=target.pk), "sorted-child")

    errors = failures(change, peer.runs(move))
    assert errors == [None, None], errors
    assert met == [True]
    assert Unit.objects.get(pk=cast.unit_a.pk).path.startswith(Unit.objects.get(pk=target.pk).path)
    assert_tally_is_a_recount()


def test_a_merge_beside_the_nightly_lock_of_the_period_ends_with_the_counts_right(cast, period):
    Period.objects.filter(pk=period.pk).update(state=Period.State.OPEN)
    others = list(
        Report.objects.filter(period=period, state=Report.State.DRAFT)
        .exclude(unit=cast.unit_a)
        .values_list("pk", flat=True)
    )
    successor = Unit.objects.filter(province=cast.unit_a.province_id, active=True).exclude(pk=cast.unit_a.pk)
    successor = successor.exclude(path__startswith=cast.unit_a.path).exclude(depth=1).first()
    started = threading.Event()

    def merge():
        started.set()
        reorganization.merge(
            unit=Unit.objects.get(pk=cast.unit_a.pk),
            into=successor,
            on=period.opens_on,
            reason="撤并",
            actor=cast.admin,
        )

    def lock():
        started.wait(timeout=10)
        lock_reports(period_id=period.pk, report_ids=others, today=period.due_on.replace(year=period.due_on.year + 1))

    errors = failures(merge, lock)
    assert errors == [None, None], errors
    assert_tally_is_a_recount()


def test_two_party_group_meetings_hearing_the_same_report_do_not_deadlock(cast, period, monkeypatch):
    """A meeting approves its reports one by one; another, recorded at the same moment,
    heard one of them too. The first locks all its reports before it writes any (their
    counts wait for one another's turn on the tally), so the second waits for it, then is
    told plainly that the report is no longer waiting — never a deadlock."""
    from assessments import meetings
    from assessments.services import submit_report
    from responsibilities.models import PostKind
    from tests.assessments.files import pdf

    heard = [
        Report.objects.get(
            period=period, assignment__duty__code=code, assignment__post__kind=PostKind.SECRETARY, unit=cast.party_group
        ).pk
        for code in ("D-05", "P-01")
    ]
    for pk in heard:
        submit_report(report_id=pk, actor=cast.other_leader, content="已落实")
    first_moved, peer, met = threading.Event(), Peer(), []
    move = meetings.reports.move

    def slow_move(*args, **kwargs):
        event = move(*args, **kwargs)
        if threading.current_thread().name == "first" and not first_moved.is_set():
            first_moved.set()
            met.append(peer.waits_for_me())  # the second meeting runs meanwhile
        return event

    monkeypatch.setattr(meetings.reports, "move", slow_move)

    def record(report_ids):
        meetings.record_meeting(
            actor=cast.admin,
            unit=cast.party_group,
            held_on=period.opens_on,
            attendees=[cast.leader, cast.other_leader],
            decisions=["审议通过"],
            minutes=SimpleUploadedFile("纪要.pdf", pdf(), content_type="application/pdf"),
            report_ids=report_ids,
        )

    def first():
        threading.current_thread().name = "first"
        record(heard)

    def second():
        first_moved.wait(timeout=60)
        record([max(heard)])

    errors = failures(first, peer.runs(second))
    assert errors[0] is None, errors
    assert met == [True]
    assert isinstance(errors[1], TransitionError), errors
    assert_tally_is_a_recount()


def turns_held() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()")
        return cursor.fetchone()[0]


def test_only_a_change_of_what_is_counted_takes_the_provinces_turn_on_the_tally(cast, period):
    """A save of a report's text (a draft kept while writing) waits for no one; a
    submission takes its province's turn for the period's tally rows until its commit."""
    from assessments.services import save_report, submit_report

    report = Report.objects.filter(period=period, unit=cast.unit_a).first()
    with transaction.atomic():
        save_report(report_id=report.pk, actor=cast.secretary_a, content="草稿")
        assert turns_held() == 0
    with transaction.atomic():
        submit_report(report_id=report.pk, actor=cast.secretary_a, content="召开专题会议")
        assert turns_held() == 1
    assert turns_held() == 0


def waiting_for_a_turn(backend: list[int], seconds: float = 10) -> bool:
    """Whether the backend whose id another thread puts in ``backend`` comes to wait for a
    transaction lock of the application (a turn on the tally) within ``seconds``."""
    deadline = time.monotonic() + seconds
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            if backend:
                cursor.execute(
                    "SELECT EXISTS (SELECT FROM pg_locks WHERE pid = %s AND locktype = 'advisory' AND NOT granted)",
                    backend[:1],
                )
                if cursor.fetchone() == (True,):
                    return True
            time.sleep(0.05)
    return False


def test_a_recount_waits_for_a_writers_open_transaction_on_its_period(cast, period, two_provinces):  # noqa: F811
    """A recount (``recount_tally --period``, a period's opening: ``tally.refill``) takes the
    turn the writers' triggers take, one SQL function (migration 0025): while a submission
    in one province is still in its transaction, the recount of its period waits for it,
    then counts it — it would otherwise count the reports without it, beside its tally
    rows. A writer of the other province's reports of that period goes on meanwhile, and so
    does a recount of another period: the turn is the province's and the period's."""
    here = Report.objects.filter(period=period, unit=cast.unit_a, state=Report.State.DRAFT).first()
    there = Report.objects.filter(period=period, province=cast.discipline.pk, state=Report.State.SUBMITTED).first()
    assert here.province_id != there.province_id
    other_period = Period.objects.create(
        year=period.year + 1,
        half=Half.FIRST,
        opens_on=period.opens_on,
        due_on=period.due_on,
        grace_days=5,
        review_due_on=period.review_due_on,
    )
    written, others_done = threading.Event(), threading.Event()
    recount: list[int] = []  # the recount's backend
    seen: dict[str, bool] = {}

    def write():
        with transaction.atomic():
            submit(here.pk)
            written.set()
            others_done.wait(timeout=10)
            seen["recount waited"] = waiting_for_a_turn(recount)

    def others():
        try:
            written.wait(timeout=10)
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '5s'")  # a wait for the writer fails
                Report.objects.filter(pk=there.pk).update(state=Report.State.RETURNED)
                tally.refill(cursor, other_period.pk)
        finally:
            others_done.set()

    def recount_the_period():
        others_done.wait(timeout=10)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            recount.append(cursor.fetchone()[0])
            return tally.refill(cursor, period.pk)

    errors = failures(write, others, recount_the_period)
    assert errors == [None, None, None], errors
    assert seen == {"recount waited": True}
    assert Report.objects.get(pk=here.pk).state == Report.State.SUBMITTED
    assert Report.objects.get(pk=there.pk).state == Report.State.RETURNED
    assert_tally_is_a_recount()
