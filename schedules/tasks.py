"""Thin Celery tasks over the job services. Each takes the date from the clock when it runs
(Asia/Shanghai, CELERY_TIMEZONE) unless given one, records its run, and retries with backoff
on database or broker errors; the services are safe to run again, so a retry, or a
redelivery after a worker died (acks_late), repeats nothing."""

from __future__ import annotations

import datetime

from celery import shared_task
from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from kombu.exceptions import OperationalError as BrokerError

from assessments.models import Period
from scoring.services import compute_scores

from . import jobs, runs
from .models import Job
from .services import open_now

RETRY = {
    "bind": True,
    "acks_late": True,
    "autoretry_for": (DatabaseError, BrokerError),
    "retry_backoff": 10,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 6,
}


def _day(day: str | None) -> datetime.date:
    return datetime.date.fromisoformat(day) if day else timezone.localdate()


def _run(task, job: str, work, *, day: str | None = None, run_id: int | None = None) -> str:
    today = _day(day)
    run = runs.start(job=job, run_id=run_id, task_id=task.request.id, day=today)
    try:
        # The summary is kept for the periods page, so in the site's first language.
        with override(settings.LANGUAGE_CODE):
            summary = work(today, runs.progress(run))
    except Exception as exc:
        runs.fail(run, error=f"{type(exc).__name__}: {exc}")
        raise
    runs.finish(run, summary=summary)
    return summary


@shared_task(name="schedules.open_periods", **RETRY)
def open_periods(self, day: str | None = None) -> str:
    return _run(
        self,
        Job.OPEN_PERIODS,
        lambda today, cb: jobs.open_periods(
            today=today, after_batch=cb, batch_size=settings.MINGZE_OPEN_BATCH_SIZE
        ).summary(),
        day=day,
    )


@shared_task(name="schedules.send_reminders", **RETRY)
def send_reminders(self, day: str | None = None) -> str:
    return _run(
        self,
        Job.SEND_REMINDERS,
        lambda today, cb: jobs.send_reminders(
            today=today, after_batch=cb, batch_size=settings.MINGZE_REMINDER_BATCH_SIZE
        ).summary(),
        day=day,
    )


@shared_task(name="schedules.escalate_overdue", **RETRY)
def escalate_overdue(self, day: str | None = None) -> str:
    return _run(
        self,
        Job.ESCALATE_OVERDUE,
        lambda today, cb: jobs.escalate_overdue(
            today=today, after_batch=cb, batch_size=settings.MINGZE_REMINDER_BATCH_SIZE
        ).summary(),
        day=day,
    )


@shared_task(name="schedules.lock_and_close", **RETRY)
def lock_and_close(self, day: str | None = None) -> str:
    return _run(
        self, Job.LOCK_AND_CLOSE, lambda today, cb: jobs.lock_and_close(today=today, after_batch=cb).summary(), day=day
    )


# ---- an admin's manual triggers (考核周期 page) ----------------------------------------


@shared_task(name="schedules.open_period_now", **RETRY)
def open_period_now(self, run_id: int) -> str:
    def work(today, after_batch):
        period = Period.objects.get(job_runs__pk=run_id)
        return open_now(period=period, today=today, after_batch=after_batch)

    return _run(self, Job.OPEN_PERIOD, work, run_id=run_id)


@shared_task(name="schedules.remind_now", **RETRY)
def remind_now(self, run_id: int) -> str:
    return _run(
        self,
        Job.REMIND_NOW,
        lambda today, cb: jobs.send_reminders(today=today, days_before=None, after_batch=cb).summary(),
        run_id=run_id,
    )


@shared_task(name="schedules.recompute_scores", **RETRY)
def recompute_scores(self, run_id: int) -> str:
    def work(today, after_batch):
        period = Period.objects.get(job_runs__pk=run_id)
        summary = compute_scores(period=period)
        after_batch(summary.units, summary.units)
        return _("%(units)d units scored from %(reports)d reports, mean %(mean)s") % {
            "units": summary.units,
            "reports": summary.reports,
            "mean": summary.mean,
        }

    return _run(self, Job.RECOMPUTE_SCORES, work, run_id=run_id)
