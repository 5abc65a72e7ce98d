"""Two reviewers acting on the same report at the same moment (DESIGN.md, "Report life"):
exactly one wins, the other is told plainly, and the history holds exactly one step."""

import pytest

from assessments import services
from assessments.models import Report, ReportEvent
from tests.services import need_postgres
from tests.threads import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def race(*steps):
    """Run each step in its own thread and database connection, released together:
    "won", or the refusal's message; any other error fails the test."""
    outcomes = []
    for outcome in run_together(*steps):
        if isinstance(outcome, Exception) and not isinstance(outcome, services.TransitionError):
            raise outcome
        outcomes.append(str(outcome) if isinstance(outcome, Exception) else "won")
    return outcomes


@pytest.mark.parametrize("attempt", range(3))
def test_approve_and_return_at_once_exactly_one_wins(cast, period, attempt):
    need_postgres()
    report = Report.objects.filter(period=period, unit=cast.unit_a).order_by("pk")[attempt]
    services.submit_report(report_id=report.pk, actor=cast.secretary_a, content="已落实")
    outcomes = race(
        lambda: services.approve_report(report_id=report.pk, actor=cast.leader, grade="good"),
        lambda: services.return_report(report_id=report.pk, actor=cast.admin, comment="请补充"),
    )
    assert sorted(o == "won" for o in outcomes) == [False, True], outcomes
    loser = next(o for o in outcomes if o != "won")
    assert "操作未执行" in loser
    report.refresh_from_db()
    steps = list(ReportEvent.objects.filter(report=report).values_list("action", "from_state", "to_state"))
    assert steps[0] == ("submit", "draft", "submitted") and len(steps) == 2
    winner = {"approved": ("approve", "submitted", "approved"), "returned": ("return", "submitted", "returned")}
    assert steps[1] == winner[report.state]


def test_two_approvals_at_once_make_one_event(cast, period):
    need_postgres()
    report = Report.objects.filter(period=period, unit=cast.unit_a).first()
    services.submit_report(report_id=report.pk, actor=cast.secretary_a, content="已落实")
    outcomes = race(
        lambda: services.approve_report(report_id=report.pk, actor=cast.leader, grade="good"),
        lambda: services.approve_report(report_id=report.pk, actor=cast.admin, grade="excellent"),
    )
    assert outcomes.count("won") == 1
    report.refresh_from_db()
    approvals = ReportEvent.objects.filter(report=report, action="approve")
    assert approvals.count() == 1 and approvals.get().actor_id == report.reviewer_id
