"""The beat schedule, declared once here and synced into django-celery-beat, where admins
can see and change the times (DESIGN.md, "Schedules": all times Asia/Shanghai).

``sync_schedules`` creates each periodic task that is missing and updates the code-owned
parts (task path, description, enabled on creation) of the ones that exist — rows are
updated in place, never deleted and recreated, and a time an admin changed in the admin
is kept unless ``reset_times`` is asked for.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override


@dataclass(frozen=True)
class Entry:
    name: str
    task: str
    hour: str
    minute: str
    description: str
    enabled: bool = True  # on creation only; an admin's choice is kept afterwards


SCHEDULE = [
    Entry(
        "mingze: open periods", "schedules.open_periods", "0", "10", _("Daily: open periods whose open date has come.")
    ),
    Entry(
        "mingze: lock and close",
        "schedules.lock_and_close",
        "0",
        "20",
        _("Daily: lock reports after the due date and grace days; close periods after review."),
    ),
    Entry(
        "mingze: send reminders",
        "schedules.send_reminders",
        "9",
        "0",
        _("Daily 09:00: deadline reminders at T-14, T-7, T-3 and T-1 days."),
    ),
    Entry(
        "mingze: escalate overdue",
        "schedules.escalate_overdue",
        "9",
        "30",
        _("Daily: tell the responsible person and the liaison of newly overdue reports; Mondays a digest."),
    ),
    Entry(
        "mingze: anchor the audit trail",
        "audit.write_anchor",
        "23",
        "50",
        _("Daily: write the head of every audit chain to the anchor file and e-mail it to the supervisors."),
    ),
    Entry(
        "mingze: send pending e-mails",
        "notifications.send_pending_emails",
        "*",
        "*/10",
        _("Every 10 minutes: send the e-mails of notifications that could not be queued (broker down)."),
    ),
    Entry(
        "mingze: purge security log",
        "accounts.purge_security_log",
        "3",
        "15",
        _("Daily: delete security log entries older than its retention (at least 180 days)."),
    ),
    Entry(
        "mingze: sync directory",
        "responsibilities.sync_directory",
        "2",
        "30",
        _("Daily 02:30, once enabled: put people into posts from the directory (LDAP); people who left are flagged."),
        enabled=False,
    ),
    Entry(
        "mingze: rebuild stalled exports",
        "dashboard.sweep_stalled_exports",
        "*",
        "*/5",
        _("Every 5 minutes: an export whose worker stopped is marked failed and built again."),
    ),
    Entry(
        "mingze: count sealed ballots",
        "appraisals.empty_ballot_boxes",
        "*",
        "*/15",
        _("Every 15 minutes: open the appraisal ballot box and count its sheets, three voters or more at a time."),
    ),
]


@dataclass
class SyncResult:
    created: list[str]
    updated: list[str]
    unchanged: list[str]


def sync_schedules(*, using: str = "default", reset_times: bool = False) -> SyncResult:
    """Make django-celery-beat hold the periodic tasks of ``SCHEDULE``; idempotent."""
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    result = SyncResult([], [], [])
    with transaction.atomic(using=using):
        for entry in SCHEDULE:
            crontab, _created = CrontabSchedule.objects.using(using).get_or_create(
                minute=entry.minute,
                hour=entry.hour,
                day_of_week="*",
                day_of_month="*",
                month_of_year="*",
                timezone=settings.TIME_ZONE,
            )
            task = PeriodicTask.objects.using(using).filter(name=entry.name).first()
            with override(settings.LANGUAGE_CODE):
                description = str(entry.description)
            if task is None:
                PeriodicTask.objects.using(using).create(
                    name=entry.name, task=entry.task, crontab=crontab, description=description, enabled=entry.enabled
                )
                result.created.append(entry.name)
                continue
            changed = []
            if task.task != entry.task:
                task.task, changed = entry.task, [*changed, "task"]
            if task.description != description:
                task.description, changed = description, [*changed, "description"]
            # A task an admin moved off its crontab (to an interval, say) is put back only on reset.
            other_schedule = task.interval_id or task.clocked_id or task.solar_id
            if (task.crontab_id is None and not other_schedule) or (reset_times and task.crontab_id != crontab.pk):
                task.crontab, task.interval, task.clocked, task.solar = crontab, None, None, None
                changed += ["crontab", "interval", "clocked", "solar"]
            if changed:
                task.save(update_fields=changed)
                result.updated.append(entry.name)
            else:
                result.unchanged.append(entry.name)
    return result
