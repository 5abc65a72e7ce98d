"""Reminders and escalations catch up (DESIGN.md, "Schedules"): each stage of each item —
T-14, T-7, T-3, T-1, the first overdue day — is sent once, on its day or on the first run
after it when the runs of that day did not happen (broker down, server off over a
holiday); none is sent twice."""

import datetime
from collections import Counter

import pytest
from django.core.management import call_command

from notifications.models import Notification
from schedules.models import ReminderStage, SentReminder

from .conftest import on, report_ids, travel

pytestmark = pytest.mark.django_db(transaction=True)


def run_days(days):
    for day in days:
        with travel(day.month, day.day, 9):
            call_command("run_schedule", "all", date=day.isoformat())


def days(first, last):
    return [first + datetime.timedelta(days=n) for n in range((last - first).days + 1)]


def test_a_skipped_week_sends_each_stage_once_late(org):
    # Runs every day to 6-30, none from 7-1 to 7-7 (T-7 on 7-3 and T-3 on 7-7 are missed),
    # again 7-8 and 7-9 (T-1), none 7-10 to 7-13 (the first overdue day, 7-11, is missed),
    # then every day to 7-15. Nobody submits anything.
    run_days(days(on(6, 14), on(6, 30)) + [on(7, 8), on(7, 9)] + days(on(7, 14), on(7, 15)))
    ids = report_ids(org.period)
    unsubmitted = set(ids.values())
    stages = list(ReminderStage.objects.values_list("item_type", "item_id", "stage", "stage_day", "day"))
    assert Counter((t, i, s) for t, i, s, _sd, _d in stages).most_common(1)[0][1] == 1  # none twice
    sent = {(i, s): (stage_day, day) for t, i, s, stage_day, day in stages if t == "report"}
    for pk in unsubmitted:
        assert sent[(pk, "t14")] == (on(6, 26), on(6, 26))  # on its day
        assert sent[(pk, "t7")] == (on(7, 3), on(7, 8))  # late, on the first run after
        assert sent[(pk, "t3")] == (on(7, 7), on(7, 8))  # late, with T-7 in the same message
        assert sent[(pk, "t1")] == (on(7, 9), on(7, 9))
        assert sent[(pk, "overdue")] == (on(7, 11), on(7, 14))  # late
    assert len(sent) == 5 * len(unsubmitted)

    # One message a person a day naming each item once; nothing on the days after.
    told = Counter(SentReminder.objects.values_list("person__username", "item_id", "day"))
    assert set(told.values()) == {1}
    reminded_days = set(SentReminder.objects.filter(kind="deadline").values_list("day", flat=True))
    assert reminded_days == {on(6, 26), on(7, 8), on(7, 9)}
    overdue_days = set(SentReminder.objects.filter(kind="overdue").values_list("day", flat=True))
    assert overdue_days == {on(7, 14)}
    per_person_day = Counter(
        Notification.objects.filter(kind="deadline_reminder").values_list("recipient__username", "created_at__date")
    )
    assert set(per_person_day.values()) == {1}


def test_a_second_run_on_a_catch_up_day_sends_nothing_again(org):
    run_days(days(on(6, 14), on(6, 16)) + [on(7, 8)])
    before = (ReminderStage.objects.count(), Notification.objects.count())
    run_days([on(7, 8)])
    assert (ReminderStage.objects.count(), Notification.objects.count()) == before
    assert before[0] > 0
