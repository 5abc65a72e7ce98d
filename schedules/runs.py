"""JobRun rows: a job's progress where a page can read it (htmx polling), without a
Celery result backend. The task updates its row; admins' manual triggers create it first."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from assessments.models import Period
from core.background import queue_on_commit

from .models import Job, JobRun

# The task (``schedules/tasks.py``) that runs each job an admin may start by hand.
TASKS = {
    Job.OPEN_PERIOD: "schedules.open_period_now",
    Job.REMIND_NOW: "schedules.remind_now",
    Job.RECOMPUTE_SCORES: "schedules.recompute_scores",
}


@transaction.atomic
def request_run(*, job: str, actor, period: Period | None = None, day: datetime.date | None = None) -> JobRun:
    """An admin asks for a job now: the row is made here and its task queued on commit, so
    the worker never looks for a row that is not there yet."""
    run = JobRun.objects.create(job=job, period=period, day=day or timezone.localdate(), requested_by=actor)
    queue_on_commit(TASKS[job], run_id=run.pk)
    return run


def start(*, job: str, run_id: int | None, task_id: str | None, day: datetime.date) -> JobRun:
    """Mark a run started: the admin's row when ``run_id`` is given, else the schedule's row
    for this task id (made on the first attempt, found again on a retry)."""
    if run_id is not None:
        run = JobRun.objects.get(pk=run_id)
    else:
        run, _created = JobRun.objects.get_or_create(task_id=task_id, defaults={"job": job, "day": day})
    JobRun.objects.filter(pk=run.pk).update(
        state=JobRun.State.RUNNING,
        started_at=timezone.now(),
        attempts=F("attempts") + 1,
        task_id=task_id or run.task_id,
        error="",
    )
    run.refresh_from_db()
    return run


def progress(run: JobRun):
    """An ``after_batch`` callback writing (done, total) to the run's row."""

    def after_batch(done: int, total: int | None) -> None:
        JobRun.objects.filter(pk=run.pk).update(done=done, total=total)

    return after_batch


def finish(run: JobRun, *, summary: str) -> None:
    JobRun.objects.filter(pk=run.pk).update(state=JobRun.State.DONE, summary=summary, finished_at=timezone.now())


def fail(run: JobRun, *, error: str) -> None:
    JobRun.objects.filter(pk=run.pk).update(state=JobRun.State.FAILED, error=error[:2000], finished_at=timezone.now())
