"""Two votes of the same rater arriving at once, on PostgreSQL: one counts, one is refused."""

import threading

import pytest
from django.db import connection

from appraisals.models import Ballot, BallotToken
from assessments.services import TransitionError
from tests.appraisals.conftest import build_panel
from tests.services import need_postgres

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_together(*calls):
    """Run each call in its own thread (own connection), released together by a barrier."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            outcomes[index] = call()
        except Exception as error:  # noqa: BLE001 — the outcome is what the test checks
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n, call)) for n, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def test_two_simultaneous_sheets_of_one_rater_count_once(cast):
    need_postgres()
    panel = build_panel(cast)
    rater = panel.leadership[0]

    def vote():
        return panel.vote(rater, {panel.a: ["好", "好"], panel.b: ["较好", "好"], panel.c: ["一般", "一般"]})

    outcomes = run_together(vote, vote, vote)
    assert sorted(type(o).__name__ for o in outcomes) == ["TransitionError", "TransitionError", "int"], outcomes
    assert all(isinstance(o, TransitionError | int) for o in outcomes)
    assert BallotToken.objects.count() == 1
    assert Ballot.objects.count() == 3
