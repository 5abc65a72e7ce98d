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

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_concurrent_computes_leave_one_set_of_lines(scored):
    need_postgres()
    expected = ScoreLine.objects.filter(unit_score__period=scored).count()
    assert expected > 0
    first_done = threading.Event()
    errors = []

    def first():
        # Computes, then keeps its transaction open a moment: the second run starts meanwhile.
        try:
            with transaction.atomic():
                compute_scores(period=scored)
                first_done.set()
                time.sleep(1.5)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            first_done.set()
            connection.close()

    def second():
        try:
            first_done.wait(timeout=10)
            compute_scores(period=scored)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert ScoreLine.objects.filter(unit_score__period=scored).count() == expected
    lines = ScoreLine.objects.filter(unit_score__period=scored).values_list("unit_score_id", "kind", "report_id")
    assert len(set(lines)) == len(lines) == expected
    assert UnitScore.objects.filter(period=scored).count() == len({unit for unit, _k, _r in lines})


def test_a_compute_waits_for_whoever_holds_the_period(scored):
    """The lock is the period's row: a compute started while a close holds the period runs
    only once the close has committed."""
    need_postgres()
    held = threading.Event()
    times = {}

    def close_holding_the_period():
        try:
            with transaction.atomic():
                list(Period.objects.select_for_update().filter(pk=scored.pk))
                held.set()
                time.sleep(2)
                times["released"] = time.monotonic()
        finally:
            held.set()
            connection.close()

    def recompute():
        try:
            held.wait(timeout=10)
            times["started"] = time.monotonic()
            compute_scores(period=scored)
            times["computed"] = time.monotonic()
        finally:
            connection.close()

    threads = [threading.Thread(target=close_holding_the_period), threading.Thread(target=recompute)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert times["started"] < times["released"] < times["computed"]
