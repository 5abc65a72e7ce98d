"""The beat schedule in the database (synced, updated in place, admins' times kept) and
the run_schedule command."""

import pytest
from django.core.management import CommandError, call_command
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

from schedules.beat import SCHEDULE, sync_schedules
from schedules.reminders import ReminderItem, register_reminder_source, reminder_sources, send_reminders

from .conftest import on

pytestmark = pytest.mark.django_db


def test_a_fresh_install_has_the_four_schedules_in_shanghai_time(db):
    # post_migrate made them when the test database was migrated.
    tasks = {t.name: t for t in PeriodicTask.objects.select_related("crontab")}
    assert {entry.name for entry in SCHEDULE} <= set(tasks)
    reminders = tasks["mingze: send reminders"]
    assert (reminders.task, reminders.crontab.hour, reminders.crontab.minute) == ("schedules.send_reminders", "9", "0")
    assert str(reminders.crontab.timezone) == "Asia/Shanghai" and reminders.enabled


def test_sync_updates_in_place_and_keeps_an_admins_time(db, capsys):
    task = PeriodicTask.objects.get(name="mingze: send reminders")
    admins_time = CrontabSchedule.objects.create(minute="30", hour="8", timezone="Asia/Shanghai")
    PeriodicTask.objects.filter(pk=task.pk).update(crontab=admins_time, task="old.name", description="")
    call_command("sync_schedules")
    assert "updated: mingze: send reminders" in capsys.readouterr().out
    again = PeriodicTask.objects.get(name="mingze: send reminders")
    assert again.pk == task.pk and again.task == "schedules.send_reminders"
    assert again.crontab_id == admins_time.pk  # the admin's 08:30 stays
    sync_schedules(reset_times=True)
    assert PeriodicTask.objects.get(pk=task.pk).crontab.hour == "9"
    assert PeriodicTask.objects.filter(name__startswith="mingze:").count() == len(SCHEDULE)


def test_sync_recreates_a_deleted_task_and_leaves_an_interval_alone(db):
    PeriodicTask.objects.filter(name="mingze: open periods").delete()
    every_hour = IntervalSchedule.objects.create(every=1, period=IntervalSchedule.HOURS)
    PeriodicTask.objects.filter(name="mingze: lock and close").update(crontab=None, interval=every_hour)
    result = sync_schedules()
    assert result.created == ["mingze: open periods"]
    assert PeriodicTask.objects.get(name="mingze: lock and close").interval_id == every_hour.pk


def test_run_schedule_prints_what_it_did(org, capsys):
    call_command("run_schedule", "open_periods", date="2030-06-15")
    out = capsys.readouterr().out
    assert "2030-06-15" in out and "periods opened 1" in out and "6 reports created" in out
    call_command("run_schedule", "send_reminders", date="2030-06-16")
    assert "send_reminders: nothing to do" in capsys.readouterr().out
    call_command("run_schedule", "all", date="2030-06-26")
    out = capsys.readouterr().out
    assert "open_periods:" in out and "send_reminders: people told 3" in out and "escalate_overdue:" in out


def test_run_schedule_refuses_bad_input(db):
    with pytest.raises(CommandError):
        call_command("run_schedule", "send_reminders", date="2030-02-30")
    with pytest.raises(CommandError):
        call_command("run_schedule", "explode", date="2030-06-01")


def test_another_app_can_add_items_to_the_daily_reminder(org):
    """The hook rectifications will use: a source registered once joins every reminder."""

    def rectifications(*, today, days_before):
        if days_before is not None and 3 not in days_before:
            return []
        return [
            ReminderItem(
                item_type="rectification",
                item_id=7,
                person_id=org.secretary_a.pk,
                due_on=on(6, 4),
                unit=org.unit_a,
                code="ZG-7",
                title="整改台账",
                url="/",
                kind_label="整改",
            )
        ]

    register_reminder_source(rectifications)
    try:
        result = send_reminders(today=on(6, 1))
        again = send_reminders(today=on(6, 1))
    finally:
        from schedules import reminders

        reminders._SOURCES.remove(rectifications)
    assert result.counts == {"people told": 1, "items named": 1} and not again.counts
    note = org.secretary_a.notifications.get()
    assert "整改 · 甲支部 · ZG-7 整改台账" in note.body
    assert rectifications not in reminder_sources()
