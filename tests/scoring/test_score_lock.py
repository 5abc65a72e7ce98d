"""Scores are computed under a per-period lock: a close running beside a manual recompute
leaves exactly one set of score lines (PostgreSQL, two threads, two connections)."""

import threading
import time

import pytest
from django.db import connection, transaction

from assessments.models import Period
from scoring.models import ScoreLine, UnitScore
from scoring.services import compute_scores
from tests.services import need_postgres
from tests.threads import backend_pid, wait_until_blocked

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_concurrent_computes_leave_one_set_of_lines(scored):
    need_postgres()
    expected = ScoreLine.objects.filter(unit_score__period=scored).count()
    assert expected > 0
    first_done, second_asking = threading.Event(), threading.Event()
    errors, second = [], {}

    def first():
        # Computes, then keeps its transaction open until the second run is seen waiting
        # for it (or has finished without waiting, which the lines below would show).
        try:
            with transaction.atomic():
                compute_scores(period=scored)
                first_done.set()
                assert second_asking.wait(timeout=60), "the second run never started"
                second["waited"] = wait_until_blocked(second["pid"], done=lambda: "done" in second)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            first_done.set()
            connection.close()

    def run_second():
        try:
            first_done.wait(timeout=60)
            second["pid"] = backend_pid()
            second_asking.set()
            compute_scores(period=scored)
            second["done"] = True
        except Exception as error:
            errors.append(error)
        finally:
            second_asking.set()
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=run_second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert second["waited"], "the second run did not wait for the first"
    assert ScoreLine.objects.filter(unit_score__period=scored).count() == expected
    lines = ScoreLine.objects.filter(unit_score__period=scored).values_list("unit_score_id", "kind", "report_id")
    assert len(set(lines)) == len(lines) == expected
    assert UnitScore.objects.filter(period=scored).count() == len({unit for unit, _k, _r in lines})


def test_a_compute_waits_for_whoever_holds_the_period(scored):
    """The lock is the period's row: a compute started while a close holds the period waits
    for the close (seen waiting for its lock: not timed, since on a loaded machine the
    compute's thread may start late) and runs only once the close has committed."""
    need_postgres()
    held, asking = threading.Event(), threading.Event()
    times, compute = {}, {}

    def close_holding_the_period():
        try:
            with transaction.atomic():
                list(Period.objects.select_for_update().filter(pk=scored.pk))
                held.set()
                if asking.wait(timeout=60):
                    compute["waited"] = wait_until_blocked(compute["pid"], done=lambda: "computed" in times)
                times["released"] = time.monotonic()
        finally:
            held.set()
            connection.close()

    def recompute():
        try:
            held.wait(timeout=60)
            compute["pid"] = backend_pid()
            asking.set()
            compute_scores(period=scored)
            times["computed"] = time.monotonic()
        finally:
            asking.set()
            connection.close()

    threads = [threading.Thread(target=close_holding_the_period), threading.Thread(target=recompute)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert compute.get("waited"), "the compute did not wait for the close's lock"
    assert times["released"] < times["computed"]
