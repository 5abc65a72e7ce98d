"""The second half of 2030 replayed with `run_schedule all --date` (issue 12 item 6): a
branch carries a half-year duty, a quarterly one (理论学习中心组-like: one report per quarter,
Q3 due 10-10 and Q4 due with the period on 2031-01-10) and an annual one due 31 March
(个人有关事项). Each report is opened, reminded, escalated, locked and scored on its own
due date, and the period waits for the annual one before it closes.

The jobs are run day by day through the four stretches where something happens (opening,
the third quarter's deadline, the period's deadline and review, the annual deadline and
the close); nothing is due between them (the jobs catch up whatever a skipped day owed)."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from accounts import roles
from assessments import services as reports
from assessments.models import Half, Period, Report, ReportEvent, Warning
from notifications.models import Notification
from responsibilities.models import DueWindow, PostKind, UnitKind
from schedules.models import SentReminder
from scoring.models import ScoreLine, UnitScore
from tests.factories import (
    AssignmentFactory,
    CategoryFactory,
    ChecklistFactory,
    DutyFactory,
    PostFactory,
    UnitFactory,
    UserFactory,
)
from tests.services import need_postgres

pytestmark = pytest.mark.django_db(transaction=True)

SHANGHAI = ZoneInfo("Asia/Shanghai")
d = datetime.date


def travel(day: datetime.date, hour: int):
    return time_machine.travel(datetime.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI), tick=False)


def replay(first: datetime.date, last: datetime.date, actions: dict) -> None:
    day = first
    while day <= last:
        with travel(day, 9):
            call_command("run_schedule", "all", date=day.isoformat())
        for action in actions.get(day, []):
            with travel(day, 11):
                action()
        day += datetime.timedelta(days=1)


@pytest.fixture
def branch(db):
    admin = UserFactory(username="o_admin", roles=[roles.ADMIN])
    leader = UserFactory(username="o_leader", roles=[roles.LEADER])
    secretary = UserFactory(username="o_sec", roles=[roles.SECRETARY])
    party = UnitFactory(code="OP", name="党组", kind=UnitKind.LEADING_GROUP)
    PostFactory(unit=party, title="党组书记", kind=PostKind.SECRETARY, held_by=admin)
    unit = UnitFactory(code="OA", name="甲支部", parent=party, liaison=leader)
    post = PostFactory(unit=unit, title="支部书记", held_by=secretary)
    political = CategoryFactory(code="political", name="政治建设", key=True, order=1)
    ideological = CategoryFactory(code="ideological", name="思想建设", order=2)
    checklist = ChecklistFactory(year=2030)
    duties = {
        "DS": DutyFactory(checklist=checklist, code="DS", category=political),
        "DQ": DutyFactory(
            checklist=checklist,
            code="DQ",
            category=ideological,
            cadence="quarterly",
            due_window=DueWindow.QUARTERLY,
        ),
        "DA": DutyFactory(
            checklist=checklist,
            code="DA",
            category=ideological,
            cadence="annual",
            due_window=DueWindow.ANNUAL,
            due_month=3,
            due_day=31,
        ),
    }
    for duty in duties.values():
        AssignmentFactory(duty=duty, unit=unit, post=post)
    period = Period.objects.create(
        year=2030,
        half=Half.SECOND,
        opens_on=d(2030, 12, 15),
        due_on=d(2031, 1, 10),
        grace_days=5,
        review_due_on=d(2031, 1, 31),
    )
    return {"admin": admin, "leader": leader, "secretary": secretary, "unit": unit, "period": period}


def keyed(period: Period) -> dict:
    """{"DS": id, "DQ-Q3": id, "DQ-Q4": id, "DA": id}."""
    return {
        code + (f"-Q{quarter}" if quarter else ""): pk
        for pk, code, quarter in period.reports.values_list("pk", "assignment__duty__code", "quarter")
    }


def test_annual_and_quarterly_duties_on_their_own_due_dates(branch, capsys):
    need_postgres()
    sec, leader, period = branch["secretary"], branch["leader"], branch["period"]
    ids = {}

    def submit(key):
        return lambda: reports.submit_report(report_id=ids[key], actor=sec, content=f"{key} 落实情况")

    def approve(key, grade):
        return lambda: reports.approve_report(report_id=ids[key], actor=leader, grade=grade)

    def warnings_on(day, expected):
        def check():
            got = {key: Report.objects.get(pk=pk).warning(day) for key, pk in ids.items()}
            assert {k: got[k] for k in expected} == expected, day

        return check

    actions = {
        d(2030, 9, 10): [lambda: ids.update(keyed(period))],
        d(2030, 10, 5): [warnings_on(d(2030, 10, 5), {"DQ-Q3": Warning.YELLOW, "DS": Warning.BLUE})],
        d(2030, 10, 8): [submit("DQ-Q3")],
        d(2030, 10, 9): [approve("DQ-Q3", "excellent")],
        d(2031, 1, 5): [submit("DS")],
        d(2031, 1, 6): [approve("DS", "good")],
        d(2031, 1, 20): [warnings_on(d(2031, 1, 20), {"DS": None, "DQ-Q4": Warning.RED, "DA": Warning.BLUE})],
        d(2031, 3, 28): [warnings_on(d(2031, 3, 28), {"DA": Warning.YELLOW})],
        d(2031, 4, 1): [warnings_on(d(2031, 4, 1), {"DA": Warning.RED})],
        d(2031, 4, 2): [submit("DA")],  # a day late, within its own grace days
        d(2031, 4, 3): [approve("DA", "fair")],
    }
    for first, last in [
        (d(2030, 9, 9), d(2030, 9, 11)),
        (d(2030, 9, 25), d(2030, 10, 17)),
        (d(2030, 12, 26), d(2031, 2, 2)),
        (d(2031, 3, 16), d(2031, 4, 23)),
    ]:
        replay(first, last, actions)
    out = capsys.readouterr().out
    assert "periods opened 1" in out and "periods closed 1" in out

    # Opened 30 days before the third quarter's sub-deadline, not on 12-15; each report with its own date.
    period.refresh_from_db()
    assert period.opened_at.astimezone(SHANGHAI).date() == d(2030, 9, 10)
    due = dict(Report.objects.filter(pk__in=ids.values()).values_list("pk", "due_on"))
    assert {key: due[pk] for key, pk in ids.items()} == {
        "DS": d(2031, 1, 10),
        "DQ-Q3": d(2030, 10, 10),
        "DQ-Q4": d(2031, 1, 10),
        "DA": d(2031, 3, 31),
    }

    # Reminders on each report's own T-14/7/3/1, while it was unsubmitted.
    sent = {
        (r.day, next(k for k, pk in ids.items() if pk == r.item_id))
        for r in SentReminder.objects.filter(kind="deadline", item_type="report", person=sec)
    }
    assert sent == {
        (d(2030, 9, 26), "DQ-Q3"),
        (d(2030, 10, 3), "DQ-Q3"),
        (d(2030, 10, 7), "DQ-Q3"),
        (d(2030, 12, 27), "DS"),
        (d(2030, 12, 27), "DQ-Q4"),
        (d(2031, 1, 3), "DS"),
        (d(2031, 1, 3), "DQ-Q4"),
        (d(2031, 1, 7), "DQ-Q4"),
        (d(2031, 1, 9), "DQ-Q4"),
        (d(2031, 3, 17), "DA"),
        (d(2031, 3, 24), "DA"),
        (d(2031, 3, 28), "DA"),
        (d(2031, 3, 30), "DA"),
    }
    # A quarter's report is named with its quarter, as its own deadline.
    first = Notification.objects.filter(kind="deadline_reminder", recipient=sec).order_by("pk").first()
    assert "第三季度" in first.body and "2030年10月10日" in first.body
    # Escalated on each one's own first overdue day, to the secretary and the liaison.
    overdue = set(SentReminder.objects.filter(kind="overdue").values_list("day", "person__username", "item_id"))
    assert overdue == {
        (d(2031, 1, 11), "o_sec", ids["DQ-Q4"]),
        (d(2031, 1, 11), "o_leader", ids["DQ-Q4"]),
        (d(2031, 4, 1), "o_sec", ids["DA"]),
        (d(2031, 4, 1), "o_leader", ids["DA"]),
    }
    # Q4 locked the day after its own due date + 5 grace days; the annual one was not
    # locked then, and was filed late within its own grace days.
    locks = {
        (pk, at.astimezone(SHANGHAI).date())
        for pk, at in ReportEvent.objects.filter(action="lock").values_list("report_id", "at")
    }
    assert locks == {(ids["DQ-Q4"], d(2031, 1, 16))}
    filed = Report.objects.get(pk=ids["DA"])
    assert (filed.state, filed.late) == ("approved", True)
    assert not Report.objects.get(pk=ids["DQ-Q3"]).late

    # Not closed after 1-31 (the period's review date): the annual report's review runs as
    # long after 3-31 (80 days on), to 4-21; closed on the first run after.
    assert period.state == Period.State.CLOSED
    assert period.closed_at.astimezone(SHANGHAI).date() == d(2031, 4, 22)

    # Scores: 政治建设 1.5, others 1, each duty's own weight 1 (counted once):
    #   (85×1.5 + 100 + 0 + 70) / 4.5 = 66.11; Q4 missing −2, DA late −1 → 63.11
    score = UnitScore.objects.get(period=period, unit=branch["unit"])
    assert score.score == Decimal("63.11")
    lines = ScoreLine.objects.filter(unit_score=score)
    assert lines.get(report_id=ids["DQ-Q4"], kind="report").cause == "missing"
    assert lines.get(report_id=ids["DQ-Q4"], kind="report").points == Decimal("0")
    assert lines.get(report_id=ids["DQ-Q4"], kind="deduction").points == Decimal("-2.00")
    assert lines.get(report_id=ids["DA"], kind="deduction").cause == "late"
