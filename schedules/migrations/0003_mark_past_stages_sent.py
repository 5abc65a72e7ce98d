"""An installation upgraded to stage-by-stage reminders must not be flooded: every stage of
an open item whose day has already passed before this migration is marked sent (the old
exact-day job either sent it or will never be missed for it now). Stages from today on are
left to the jobs."""

import datetime

from django.db import migrations
from django.utils import timezone

DEADLINE = {"t14": 14, "t7": 7, "t3": 3, "t1": 1}


def _stages(due_on, since, today):
    for stage, days in DEADLINE.items():
        day = due_on - datetime.timedelta(days=days)
        if day < today and (since is None or day >= since):
            yield stage, day
    overdue = due_on + datetime.timedelta(days=1)
    if overdue < today:
        yield "overdue", overdue


def _local(value):
    return timezone.localdate(value) if value is not None else None


def mark_past_stages(apps, schema_editor):
    ReminderStage = apps.get_model("schedules", "ReminderStage")
    Period = apps.get_model("assessments", "Period")
    Report = apps.get_model("assessments", "Report")
    Rectification = apps.get_model("oversight", "Rectification")
    Notice = apps.get_model("oversight", "SupervisionNotice")
    today = timezone.localdate()
    rows = []

    def add(item_type, item_id, due_on, since):
        rows.extend(
            ReminderStage(item_type=item_type, item_id=item_id, stage=stage, stage_day=day, day=today)
            for stage, day in _stages(due_on, since, today)
        )
        if len(rows) >= 5000:
            flush()

    def flush():
        ReminderStage.objects.bulk_create(rows, ignore_conflicts=True)
        rows.clear()

    for period in Period.objects.filter(state="open"):
        since = period.opens_on
        for pk in Report.objects.filter(period=period).values_list("pk", flat=True).iterator():
            add("report", pk, period.due_on, since)
    for pk, deadline, created in Rectification.objects.filter(state="open").values_list("pk", "deadline", "created_at"):
        add("rectification", pk, deadline, _local(created))
    for pk, deadline, issued in Notice.objects.filter(state="issued").values_list("pk", "deadline", "issued_at"):
        add("notice", pk, deadline, _local(issued))
    flush()


class Migration(migrations.Migration):
    dependencies = [
        ("schedules", "0002_reminder_stages"),
        ("assessments", "0005_report_resubmit_by"),
        ("oversight", "0002_event_base"),
    ]

    operations = [migrations.RunPython(mark_past_stages, migrations.RunPython.noop)]
