"""Fault (a): the Celery worker is killed (SIGKILL, no chance to clean up) in the middle of
opening a period and in the middle of sending reminders, and a new worker is started. The
task was not acknowledged (acks_late), so the broker hands it to the new worker once the
visibility timeout has passed; the job resumes, and every report exists once and every
reminder is sent once. Real worker, real Redis, the test database (tests/schedules)."""

import signal
import time

import pytest
from django.db.models import Count

from assessments.models import Report
from notifications.models import Notification
from responsibilities.models import Assignment, Duty
from schedules import tasks
from schedules.models import JobRun, SentReminder
from tests.factories import PostFactory, UnitFactory, UserFactory
from tests.schedules.test_real_worker import queue, wait_for, worker  # noqa: F401  (fixture)

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
BRANCHES = 200
VISIBILITY = 3  # seconds before an unacknowledged task goes back to the queue


@pytest.fixture
def slow_jobs(monkeypatch):
    """Small batches, so the jobs take long enough to be killed halfway; a short visibility
    timeout, so the broker gives the dead worker's task back within the test."""
    monkeypatch.setenv("MINGZE_OPEN_BATCH_SIZE", "2")
    monkeypatch.setenv("MINGZE_REMINDER_BATCH_SIZE", "2")
    monkeypatch.setenv("CELERY_VISIBILITY_TIMEOUT", str(VISIBILITY))


def grow(org):
    """BRANCHES more branches under the party group, each with its secretary and the three
    half-yearly duties of the org: 600 more reports and 200 more people to remind."""
    duties = list(Duty.objects.filter(code__in=["D1", "D2", "D3"]))
    made = []
    for n in range(BRANCHES):
        unit = UnitFactory(code=f"RX{n:03d}", parent=org.party)
        post = PostFactory(unit=unit, held_by=UserFactory(username=f"r_x{n:03d}"))
        made += [Assignment(duty=duty, unit=unit, post=post) for duty in duties]
    Assignment.objects.bulk_create(made)


def kill_halfway(sent, proc, *, at_least):
    """SIGKILL the worker once the run has done ``at_least`` units of work but not all."""

    def halfway():
        run = JobRun.objects.filter(task_id=sent.id).first()
        return run is not None and (run.done or 0) >= at_least

    # Polled often: the set-based jobs get from ``at_least`` to the end in well under the
    # half second ``wait_for`` sleeps, so a slow poll would kill a finished run.
    deadline = time.monotonic() + 120
    while not halfway():
        assert time.monotonic() < deadline, "timed out waiting for the job to be halfway"
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    run = JobRun.objects.get(task_id=sent.id)
    assert run.state == JobRun.State.RUNNING and (run.total is None or run.done < run.total), "killed too late"
    time.sleep(VISIBILITY + 1)  # the broker may now give the task to another worker


def test_open_periods_killed_halfway_resumes_and_makes_each_report_once(org, queue, slow_jobs):  # noqa: F811
    grow(org)
    expected = Assignment.objects.filter(duty__cadence="semiannual").count()
    sent = tasks.open_periods.apply_async(kwargs={"day": "2030-06-15"}, queue=queue)
    with worker(queue) as proc:
        kill_halfway(sent, proc, at_least=40)
    half = org.period.reports.count()
    assert 0 < half < expected, half
    with worker(queue):
        wait_for(lambda: JobRun.objects.filter(task_id=sent.id, state="done").exists(), "the resumed run")
    org.period.refresh_from_db()
    assert org.period.state == "open"
    assert org.period.reports.count() == expected
    assert not Report.objects.values("assignment", "period").annotate(n=Count("pk")).filter(n__gt=1).exists()
    assert JobRun.objects.get(task_id=sent.id).attempts == 2


def test_send_reminders_killed_halfway_resumes_and_tells_each_person_once(org, queue, slow_jobs):  # noqa: F811
    grow(org)
    tasks.open_periods.apply(kwargs={"day": "2030-06-15"})  # in this process
    people = Report.objects.filter(period=org.period).values("assignment__post__holder").distinct().count()
    sent = tasks.send_reminders.apply_async(kwargs={"day": "2030-06-26"}, queue=queue)
    with worker(queue) as proc:
        kill_halfway(sent, proc, at_least=20)
    told_before = Notification.objects.filter(kind="deadline_reminder").count()
    assert 0 < told_before < people, (told_before, people)
    with worker(queue):
        wait_for(lambda: JobRun.objects.filter(task_id=sent.id, state="done").exists(), "the resumed run")
    notes = Notification.objects.filter(kind="deadline_reminder")
    assert notes.count() == people
    assert not notes.values("recipient").annotate(n=Count("pk")).filter(n__gt=1).exists()
    reports = Report.objects.filter(period=org.period, state="draft").count()
    assert SentReminder.objects.filter(day="2030-06-26").count() == reports
    assert not (
        SentReminder.objects.values("person", "item_type", "item_id", "day").annotate(n=Count("pk")).filter(n__gt=1)
    ).exists()
