"""Through the real broker: a Celery worker process runs a job end to end, and beat with the
DatabaseScheduler fires a due entry that a worker then runs. Both use Redis (CI) and the
test database, which the processes reach through DATABASE_URL; the test is transactional so
they see its rows. Each test has its own queue, so nothing else on the broker interferes."""

import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from assessments.models import Period
from config.celery import app
from schedules import tasks
from schedules.models import JobRun, SentReminder
from tests.services import need_postgres, need_redis

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
TIMEOUT = 60


def process_env() -> dict:
    db = connection.settings_dict
    auth = quote(db["USER"] or "", safe="") + (f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else "")
    url = f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return {
        **os.environ,
        "DATABASE_URL": url,  # the test database (test_<name>), not the one in the environment
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        # Not the test settings: those run tasks eagerly, and beat would run its entries
        # in its own process instead of sending them to the broker.
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DJANGO_DEBUG": "false",
        "EMAIL_URL": "dummymail://",
        "PYTHONUNBUFFERED": "1",
    }


@contextmanager
def celery(*args, **env):
    """Start `celery -A config …` (``env`` on top of the test's) and stop it at the end; its
    log is shown when a test fails."""
    with tempfile.TemporaryFile("w+") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", *args],
            cwd=settings.BASE_DIR,
            env={**process_env(), **env},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            yield proc
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            log.seek(0)
            print(log.read()[-4000:])


def worker(queue, **env):
    # A name per queue: on RabbitMQ two workers of one name fight over their control queue.
    args = ["-Q", queue, "-n", f"{queue}@%h", "--pool=solo", "--without-mingle", "--without-gossip", "-l", "INFO"]
    return celery("worker", *args, **env)


def wait_for(condition, what):
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.5)
    pytest.fail(f"timed out waiting for {what}")


@pytest.fixture
def queue():
    need_postgres()
    need_redis()
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False  # send to the broker, as production does
    name = f"mingze-test-{uuid.uuid4().hex[:8]}"
    yield name
    app.conf.task_always_eager = eager
    import redis

    redis.Redis.from_url(settings.CELERY_BROKER_URL).delete(name)


def test_a_worker_runs_a_job_end_to_end_through_the_broker(org, queue):
    tasks.open_periods.apply(kwargs={"day": "2030-06-15"})  # in this process: the period opens
    sent = tasks.send_reminders.apply_async(kwargs={"day": "2030-06-26"}, queue=queue)
    with worker(queue):
        wait_for(lambda: JobRun.objects.filter(task_id=sent.id, state="done").exists(), "the worker's run")
    run = JobRun.objects.get(task_id=sent.id)
    assert run.job == "send_reminders" and run.attempts == 1 and "已通知人数 3" in run.summary
    assert SentReminder.objects.filter(day="2030-06-26").count() == 6
    assert set(org.secretary_a.notifications.values_list("kind", flat=True)) == {"deadline_reminder"}


def test_beat_fires_a_due_entry_from_the_database(org, queue):
    import redis

    every_second = IntervalSchedule.objects.create(every=1, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.create(
        name="test: open periods now",
        task="schedules.open_periods",
        interval=every_second,
        kwargs=json.dumps({"day": "2030-06-15"}),
        queue=queue,
    )
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    with tempfile.TemporaryDirectory() as folder:
        beat_args = ["--scheduler", "django_celery_beat.schedulers:DatabaseScheduler", "--max-interval", "1"]
        with celery("beat", *beat_args, "--pidfile", f"{folder}/beat.pid", "-l", "INFO"):
            wait_for(lambda: broker.llen(queue) > 0, "beat to send the due entry")
    message = json.loads(broker.lindex(queue, -1))
    assert message["headers"]["task"] == "schedules.open_periods"
    with worker(queue):
        wait_for(lambda: Period.objects.filter(pk=org.period.pk, state="open").exists(), "the period to open")
    assert org.period.reports.count() == 6
