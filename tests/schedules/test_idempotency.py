"""Every job run twice leaves the same rows; a job interrupted after its first batch and
run again completes without duplicates (PostgreSQL, row locks and unique constraints)."""

from collections import Counter

import pytest
import time_machine

from assessments import services as reports
from assessments.models import Period, Report, ReportEvent
from notifications.models import Notification
from schedules import jobs
from schedules.models import DigestSent, SentReminder
from scoring.models import ScoreLine, UnitScore
from tests.services import need_postgres

from .conftest import at, on, report_ids

pytestmark = pytest.mark.django_db


def snapshot():
    """The rows the jobs write, as comparable values (ids of what they point at included)."""
    return {
        "periods": list(Period.objects.order_by("pk").values_list("pk", "state")),
        "reports": list(Report.objects.order_by("pk").values_list("pk", "assignment_id", "state")),
        "events": list(ReportEvent.objects.order_by("pk").values_list("pk", "report_id", "action")),
        "notifications": list(Notification.objects.order_by("pk").values_list("pk", "recipient_id", "kind")),
        "reminders": list(SentReminder.objects.order_by("pk").values_list("pk", "person_id", "item_id", "day")),
        "digests": list(DigestSent.objects.order_by("pk").values_list("pk", "person_id", "day")),
        "scores": list(UnitScore.objects.order_by("pk").values_list("pk", "unit_id", "score", "subtree_score")),
        "lines": sorted(ScoreLine.objects.values_list("unit_score_id", "kind", "report_id", "points")),
    }


def run(name, month, day, **kwargs):
    with time_machine.travel(at(month, day, 9), tick=False):
        return jobs.JOBS[name](today=on(month, day), **kwargs)


@pytest.fixture
def opened(org):
    run("open_periods", 6, 15)
    return report_ids(org.period)


@pytest.mark.parametrize(
    "name, month, day",
    [
        ("open_periods", 6, 15),
        ("send_reminders", 6, 26),
        ("escalate_overdue", 7, 15),  # first overdue days and a Monday digest
        ("lock_and_close", 7, 16),  # locks
        ("lock_and_close", 8, 1),  # closes and scores
    ],
)
def test_every_job_twice_gives_the_same_rows(org, name, month, day):
    need_postgres()
    if name != "open_periods":
        run("open_periods", 6, 15)
    if (month, day) == (8, 1):
        run("lock_and_close", 7, 16)
    first = run(name, month, day)
    assert first.counts, f"{name} had nothing to do on {month}-{day}: the test would prove nothing"
    once = snapshot()
    again = run(name, month, day)
    assert snapshot() == once
    assert not again.counts.get("items named") and not again.counts.get("reports locked")


class Crash(Exception):
    pass


def crash_after_first_batch(done, total):
    raise Crash


def test_open_periods_interrupted_and_resumed(org):
    need_postgres()
    with pytest.raises(Crash):
        run("open_periods", 6, 15, batch_size=2, after_batch=crash_after_first_batch)
    assert Report.objects.count() == 2 and Period.objects.get().state == "scheduled"
    run("open_periods", 6, 15, batch_size=2)
    assert Report.objects.count() == 6 and Period.objects.get().state == "open"
    assert Counter(Report.objects.values_list("assignment_id", flat=True)).most_common(1)[0][1] == 1


@pytest.mark.parametrize("name, month, day", [("send_reminders", 6, 26), ("escalate_overdue", 7, 11)])
def test_messages_interrupted_after_the_first_person_are_not_sent_twice(opened, name, month, day):
    need_postgres()
    with pytest.raises(Crash):
        run(name, month, day, batch_size=1, after_batch=crash_after_first_batch)
    assert Notification.objects.values("recipient").distinct().count() == 1
    run(name, month, day)
    per_person = Counter(Notification.objects.values_list("recipient_id", flat=True))
    assert len(per_person) > 1 and set(per_person.values()) == {1}
    items = Counter(SentReminder.objects.values_list("person_id", "item_id", "day"))
    assert set(items.values()) == {1}


def test_lock_and_close_interrupted_and_resumed(org, opened):
    need_postgres()
    with time_machine.travel(at(7, 1), tick=False):
        reports.submit_report(report_id=opened["A-D1"], actor=org.secretary_a, content="done")
    with pytest.raises(Crash):
        run("lock_and_close", 8, 1, after_batch=crash_after_first_batch)
    assert Report.objects.filter(state="locked").count() == 5  # each lock committed on its own
    assert Period.objects.get().state == "open" and not UnitScore.objects.exists()
    run("lock_and_close", 8, 1)
    assert Period.objects.get().state == "closed"
    assert ReportEvent.objects.filter(action="lock").count() == 5
    assert UnitScore.objects.count() == 3
    assert Notification.objects.filter(kind="period_closed").count() == 2
