"""A whole first half of 2030 replayed day by day with `run_schedule all --date`, on
PostgreSQL: the period opens, reminders go out on T-14/7/3/1 to the right people once each,
the first overdue day is escalated, Mondays bring the digest, unsubmitted reports lock, an
admin waives one lock, a report returned on the last review day is resubmitted within its
window (the period waits for it), and the period closes with scores matching a hand
computation."""

import datetime
from collections import Counter
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command

from assessments import services as reports
from assessments.models import Period, Report, ReportEvent
from notifications.models import Notification
from schedules.models import DigestSent, SentReminder
from scoring.models import ScoreLine, UnitScore
from scoring.services import grant_bonus
from tests.services import need_postgres

from .conftest import SHANGHAI, on, report_ids, travel

pytestmark = pytest.mark.django_db(transaction=True)


def replay(first: datetime.date, last: datetime.date, actions: dict) -> None:
    """Each day: the jobs at 09:00 (as beat would run them), then that day's actions."""
    day = first
    while day <= last:
        with travel(day.month, day.day, 9):
            call_command("run_schedule", "all", date=day.isoformat())
        for action in actions.get(day, []):
            with travel(day.month, day.day, 11):
                action()
        day += datetime.timedelta(days=1)


def test_half_year_replay(org, capsys):
    need_postgres()
    ids = {}

    def submit(key, who):
        return lambda: reports.submit_report(report_id=ids[key], actor=who, content=f"{key} 落实情况")

    def approve(key, grade, who):
        return lambda: reports.approve_report(report_id=ids[key], actor=who, grade=grade)

    a, b = org.secretary_a, org.secretary_b
    actions = {
        on(6, 15): [lambda: ids.update(report_ids(org.period))],
        on(6, 20): [submit("A-D1", a)],
        on(6, 21): [approve("A-D1", "excellent", org.leader_a)],
        on(7, 1): [submit("P-D1", org.leader_b)],  # stays unreviewed: "ungraded" points
        on(7, 5): [submit("A-D2", a)],
        on(7, 6): [lambda: reports.return_report(report_id=ids["A-D2"], actor=org.leader_a, comment="补充材料")],
        on(7, 8): [submit("A-D2", a)],
        on(7, 9): [approve("A-D2", "good", org.leader_a)],
        on(7, 12): [submit("B-D1", b)],  # after the due date, within grace: late
        on(7, 13): [approve("B-D1", "poor", org.leader_b)],
        on(7, 18): [lambda: reports.waive_lock(report_id=ids["A-D3"], actor=org.admin, reason="因公出差")],
        on(7, 19): [submit("A-D3", a)],  # late, after the admin's waiver
        on(7, 20): [approve("A-D3", "fair", org.leader_a)],
        on(7, 25): [
            lambda: grant_bonus(
                actor=org.admin, period=org.period, unit=org.unit_a, points=Decimal("3"), reason="先进典型"
            )
        ],
        # The last review day: P-D1 is returned, long after the lock date; its resubmission
        # window (5 days, to 8-5) keeps it from locking and the period from closing until
        # it is answered.
        on(7, 31): [lambda: reports.return_report(report_id=ids["P-D1"], actor=org.admin, comment="补充会议记录")],
        on(8, 2): [submit("P-D1", org.leader_b)],
    }
    replay(on(6, 14), on(8, 7), actions)
    out = capsys.readouterr().out
    assert "periods opened 1" in out and "periods closed 1" in out

    # Opened on its day: one report per assignment whose cadence falls in H1 (not D4).
    assert sorted(ids) == ["A-D1", "A-D2", "A-D3", "B-D1", "B-D2", "P-D1"]
    period = Period.objects.get(pk=org.period.pk)
    assert period.state == Period.State.CLOSED and period.opened_at.date() == on(6, 15)
    # Not closed on 8-1 while P-D1 was being answered: on the first run after its answer.
    assert period.closed_at.astimezone(SHANGHAI).date() == on(8, 3)
    answered = Report.objects.get(pk=ids["P-D1"])
    assert (answered.state, answered.late, answered.resubmit_by) == ("submitted", False, on(8, 5))

    # Reminders on T-14, T-7, T-3, T-1 to the post holder, for what was still unsubmitted.
    sent = {
        (r.day, r.person.username, Report.objects.get(pk=r.item_id).assignment.duty.code)
        for r in SentReminder.objects.filter(kind="deadline").select_related("person")
    }
    expected = set()
    for day, a_items, b_items, p_items in [
        (on(6, 26), ["D2", "D3"], ["D1", "D2"], ["D1"]),
        (on(7, 3), ["D2", "D3"], ["D1", "D2"], []),
        (on(7, 7), ["D2", "D3"], ["D1", "D2"], []),  # D2 was returned: remind again
        (on(7, 9), ["D3"], ["D1", "D2"], []),
    ]:
        expected |= {(day, "r_sec_a", c) for c in a_items}
        expected |= {(day, "r_sec_b", c) for c in b_items}
        expected |= {(day, "r_leader_b", c) for c in p_items}
    assert sent == expected
    # One notification (and one e-mail) a person a day, listing all their items.
    per_day = Counter(SentReminder.objects.filter(kind="deadline").values_list("person", "day", "notification"))
    assert len({(p, d) for p, d, _n in per_day}) == len(per_day)
    reminders = Notification.objects.filter(kind="deadline_reminder")
    assert reminders.count() == len(per_day) == 9
    titles = Counter((n.recipient.email, n.title) for n in reminders.select_related("recipient"))
    mails = Counter((m.to[0], m.subject) for m in mail.outbox)
    assert all(mails[key] == n for key, n in titles.items())

    # First overdue day (7-11): the responsible person and the unit's liaison, once.
    overdue = set(SentReminder.objects.filter(kind="overdue").values_list("day", "person__username", "item_id"))
    assert overdue == {
        (on(7, 11), "r_sec_a", ids["A-D3"]),
        (on(7, 11), "r_leader_a", ids["A-D3"]),
        (on(7, 11), "r_sec_b", ids["B-D1"]),
        (on(7, 11), "r_leader_b", ids["B-D1"]),
        (on(7, 11), "r_sec_b", ids["B-D2"]),
        (on(7, 11), "r_leader_b", ids["B-D2"]),
    }
    assert Notification.objects.filter(kind="overdue_escalation").count() == 4
    # Mondays after the due date: every leader gets the digest of red items.
    digests = set(DigestSent.objects.values_list("day", "person__username", "items"))
    assert digests == {
        (day, leader, n)
        for day, n in [(on(7, 15), 2), (on(7, 22), 1), (on(7, 29), 1)]
        for leader in ("r_leader_a", "r_leader_b")
    }

    # Locked on 7-16 (due + 5 grace days); the waiver and the late submission are events.
    locks = ReportEvent.objects.filter(action="lock").values_list("report_id", "at")
    assert {(pk, at.date()) for pk, at in locks} == {(ids["A-D3"], on(7, 16)), (ids["B-D2"], on(7, 16))}
    assert ReportEvent.objects.filter(report_id=ids["A-D3"], action="waive", comment="因公出差").exists()
    assert Report.objects.get(pk=ids["A-D3"]).late and Report.objects.get(pk=ids["B-D1"]).late
    assert Report.objects.get(pk=ids["B-D2"]).state == "locked"

    # Scores by hand (defaults: excellent 100, good 85, fair 70, poor 50, ungraded 70;
    # 政治建设 weighs 1.5, others 1, times the duty's weight; late −1, missing −2):
    #   A: (100×1.5 + 85×1 + 70×1×2) / 4.5 = 83.33, late D3 −1, bonus +3 → 85.33
    #   B: (50×1.5 + 0×1) / 2.5 = 30.00, late D1 −1, missing D2 −2 → 27.00
    #   P: 70×1.5 / 1.5 = 70.00 (returned on 7-31, resubmitted in its window: on time)
    #   P's subtree: (85.33 + 27.00 + 70.00) / 3 = 60.78
    scores = {s.unit.code: s for s in UnitScore.objects.filter(period=period).select_related("unit")}
    assert {code: s.score for code, s in scores.items()} == {
        "RA": Decimal("85.33"),
        "RB": Decimal("27.00"),
        "RP": Decimal("70.00"),
    }
    assert scores["RP"].subtree_score == Decimal("60.78")
    assert scores["RA"].subtree_score == Decimal("85.33")
    assert (scores["RA"].reports, scores["RA"].on_time) == (3, 2)
    assert (scores["RB"].reports, scores["RB"].on_time) == (2, 0)
    assert (scores["RP"].reports, scores["RP"].on_time) == (1, 1)
    assert not ScoreLine.objects.filter(report_id=ids["P-D1"], kind="deduction").exists()
    lines_a = ScoreLine.objects.filter(unit_score=scores["RA"])
    assert sum(line.points for line in lines_a) == Decimal("85.33")
    assert sorted((line.kind, line.cause, line.points) for line in lines_a) == sorted(
        [
            ("report", "graded", Decimal("33.33")),
            ("report", "graded", Decimal("18.89")),  # the cent left goes to the largest remainder
            ("report", "graded", Decimal("31.11")),
            ("deduction", "late", Decimal("-1.00")),
            ("bonus", "bonus", Decimal("3.00")),
        ]
    )
    assert Notification.objects.filter(kind="period_closed").count() == 2  # both leaders
