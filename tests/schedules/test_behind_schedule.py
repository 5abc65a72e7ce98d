"""A unit behind schedule in its work records (履责纪实, issue 13 item 3) joins the daily
reminders and the overdue escalation, each stage once: yellow (one behind) and red (two
behind) to the branch secretary; red also to the unit's liaison leader; a half that ended
short, in the month after it. Replayed day by day through ``run_schedule``."""

import datetime

import pytest
from django.core.management import call_command

from notifications.models import Notification
from responsibilities.models import Post
from schedules.models import SentReminder
from tests.factories import AssignmentFactory, ChecklistFactory, DutyFactory, WorkRecordFactory

from .conftest import YEAR, on, travel

pytestmark = pytest.mark.django_db(transaction=True)


def run(day, job="all"):
    with travel(day.month, day.day, 9):
        call_command("run_schedule", job, date=day.isoformat())


@pytest.fixture
def committee(org):
    """支部委员会 at least once a month, carried by both branch secretaries; branch A meets
    every month, branch B only in January."""
    duty = DutyFactory(
        checklist=ChecklistFactory(year=YEAR),
        code="B-01",
        title="召开支部委员会会议",
        record_type="branch_committee",
        required_count=1,
        frequency="month",
    )
    for unit in (org.unit_a, org.unit_b):
        AssignmentFactory(duty=duty, post=Post.objects.get(unit=unit, title="支部书记"))
    for month in range(1, 13):
        WorkRecordFactory(unit=org.unit_a, held_on=datetime.date(YEAR, month, 2), duties=[duty])
    WorkRecordFactory(unit=org.unit_b, held_on=datetime.date(YEAR, 1, 2), duties=[duty])
    return duty


def told(username, kind=None):
    rows = SentReminder.objects.filter(person__username=username, item_type__startswith="rec")
    if kind:
        rows = rows.filter(kind=kind)
    return sorted(rows.values_list("item_type", "day"))


def test_behind_schedule_is_reminded_once_per_stage_and_escalated_when_red(org, committee):
    # 3-1: February is over, B met only in January → one behind (yellow).
    for day in (on(2, 27), on(3, 1), on(3, 2)):
        run(day, "send_reminders")
        run(day, "escalate_overdue")
    assert told("r_sec_b") == [(f"rec{YEAR}h1-yellow", on(3, 1))]
    assert told("r_sec_a") == [] and told("r_leader_b") == []
    note = Notification.objects.filter(recipient__username="r_sec_b", kind="deadline_reminder").get()
    assert "1/6" in note.body and "B-01" in note.body

    # 4-1: two behind → red: the secretary once more, and the liaison leader by escalation.
    for day in (on(4, 1), on(4, 2), on(4, 20)):
        run(day, "send_reminders")
        run(day, "escalate_overdue")
    assert told("r_sec_b") == [(f"rec{YEAR}h1-red", on(4, 1)), (f"rec{YEAR}h1-yellow", on(3, 1))]
    assert told("r_leader_b", "overdue") == [(f"rec{YEAR}h1-red", on(4, 1))]
    assert told("r_leader_a") == [] and told("r_sec_a") == []
    escalation = Notification.objects.get(recipient__username="r_leader_b", kind="overdue_escalation")
    assert "乙支部" in escalation.body and "1/6" in escalation.body


def test_a_half_ended_short_is_escalated_in_the_month_after(org, committee):
    # B catches up in the first half except June… then the second half starts.
    for month in range(2, 6):
        WorkRecordFactory(unit=org.unit_b, held_on=datetime.date(YEAR, month, 3), duties=[committee])
    run(on(7, 3), "escalate_overdue")
    assert told("r_leader_b", "overdue") == [(f"rec{YEAR}h1-red", on(7, 3))]
    run(on(7, 4), "escalate_overdue")
    assert len(told("r_leader_b", "overdue")) == 1  # once
    assert told("r_leader_a") == []
