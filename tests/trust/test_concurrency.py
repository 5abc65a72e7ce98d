"""Many people acting on the same reports at the same moment (DESIGN.md, "Report life"), on
PostgreSQL: every transition takes its report's row lock, so each attempt either wins once
or is refused plainly, each report's events are a legal walk of the state machine that ends
in its stored state, and the audit chain stays whole. tests/assessments/test_concurrency.py
has the two-reviewer duel; this is the crowd. Bulk assignment run twice at once: no pair
twice, and neither run fails."""

import functools
import random
import threading

import pytest

from assessments import services
from assessments.models import Report, ReportEvent
from audit.chain import verify
from responsibilities.models import Assignment, Unit
from responsibilities.services import bulk_assign
from tests.assessments.test_concurrency import race
from tests.factories import DutyFactory
from tests.services import need_postgres
from tests.threads import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
THREADS = 8
S, D, R, A = "submitted", "draft", "returned", "approved"
LEGAL = {("submit", D, S), ("submit", R, S), ("return", S, R), ("approve", S, A)}


def crowd(actions, report_ids):
    """THREADS threads, each trying its action on every report (in its own shuffled order),
    released together. Returns the wins per report and every unexpected error."""
    wins: dict[int, int] = dict.fromkeys(report_ids, 0)
    guard = threading.Lock()

    def attempts(act, seed):
        order = list(report_ids)
        random.Random(seed).shuffle(order)
        for pk in order:
            try:
                act(pk)
            except services.TransitionError:
                continue
            with guard:
                wins[pk] += 1

    calls = [functools.partial(attempts, act, seed) for seed, act in enumerate(actions)]
    # Anything but a refusal is a failure (PermissionDenied included).
    errors = [repr(outcome) for outcome in run_together(*calls, timeout=60) if isinstance(outcome, Exception)]
    return wins, errors


def assert_legal_histories(report_ids, wins):
    for pk in report_ids:
        report = Report.objects.get(pk=pk)
        steps = list(
            ReportEvent.objects.filter(report_id=pk).order_by("pk").values_list("action", "from_state", "to_state")
        )
        state = D
        for action, before, after in steps:
            assert (action, before, after) in LEGAL and before == state, (pk, steps)
            state = after
        assert state == report.state, (pk, steps, report.state)
        assert len(steps) == 1 + wins[pk], (pk, steps, wins[pk])  # the first submit + every win


def test_eight_reviewers_approving_the_same_reports_one_wins_each(cast, period):
    need_postgres()
    ids = list(Report.objects.filter(period=period, unit=cast.unit_a).order_by("pk").values_list("pk", flat=True))
    for pk in ids:
        services.submit_report(report_id=pk, actor=cast.secretary_a, content="已落实")
    reviewers = [cast.leader, cast.admin] * (THREADS // 2)
    wins, errors = crowd(
        [lambda pk, who=who: services.approve_report(report_id=pk, actor=who, grade="good") for who in reviewers], ids
    )
    assert not errors, errors
    assert set(wins.values()) == {1}, wins
    assert set(Report.objects.filter(pk__in=ids).values_list("state", flat=True)) == {A}
    assert_legal_histories(ids, wins)


def test_approve_return_and_submit_at_once_leave_legal_histories(cast, period):
    need_postgres()
    ids = list(Report.objects.filter(period=period, unit=cast.unit_a).order_by("pk").values_list("pk", flat=True))
    for pk in ids:
        services.submit_report(report_id=pk, actor=cast.secretary_a, content="已落实")
    actions = [
        lambda pk: services.approve_report(report_id=pk, actor=cast.leader, grade="good"),
        lambda pk: services.approve_report(report_id=pk, actor=cast.admin, grade="fair"),
        lambda pk: services.return_report(report_id=pk, actor=cast.leader, comment="请补充"),
        lambda pk: services.return_report(report_id=pk, actor=cast.admin, comment="请修改"),
        lambda pk: services.return_report(report_id=pk, actor=cast.leader, comment="再补充"),
        lambda pk: services.submit_report(report_id=pk, actor=cast.secretary_a, content="已补充"),
        lambda pk: services.submit_report(report_id=pk, actor=cast.secretary_a, content="又补充"),
        lambda pk: services.approve_report(report_id=pk, actor=cast.leader, grade="excellent"),
    ]
    wins, errors = crowd(actions, ids)
    assert not errors, errors
    assert all(n >= 1 for n in wins.values()), wins  # each report was submitted: someone acted
    assert_legal_histories(ids, wins)
    checked, problems = verify()
    assert not problems and checked >= len(ids), problems


def test_bulk_assignment_twice_at_once_makes_each_pair_once(cast):
    need_postgres()
    duties = [DutyFactory(checklist=cast.checklist) for _ in range(6)]
    units = list(Unit.objects.filter(pk__in=[cast.unit_a.pk, cast.unit_b.pk, cast.committee.pk]))
    plans = []
    outcomes = race(*[lambda: plans.append(bulk_assign(duties=duties, units=units)) for _ in range(2)])
    assert outcomes == ["won", "won"], outcomes
    made = Assignment.objects.filter(duty__in=duties)
    assert made.count() == len(duties) * len(units) == len({(a.duty_id, a.unit_id) for a in made})
    assert sum(len(plan.to_create) for plan in plans) == made.count()  # each pair created by one run
    assert Assignment.history.filter(duty__in=duties, history_type="+").count() == made.count()
