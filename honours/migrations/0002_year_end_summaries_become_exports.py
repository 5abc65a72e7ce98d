"""The year-end summaries (年度考核) become the dashboard's exports of kind ``year_end``, so
that one machinery builds, recovers and hands out every export (issue 10, item 3). Each
row keeps its token (the links already sent still work), its file where it lies, its
status, progress, error, asker, language and times; the old table goes in 0003.
Backwards, the rows go back (those without an asker, which the old table cannot hold,
stay exports)."""

from django.db import migrations

CARRIED = ("token", "unit_id", "language", "status", "progress", "file", "error", "finished_at")


def forwards(apps, schema_editor):
    YearEndExport = apps.get_model("honours", "YearEndExport")
    Export = apps.get_model("dashboard", "Export")
    for old in YearEndExport.objects.order_by("pk").iterator():
        new = Export.objects.create(
            kind="year_end", year=old.year, requested_by_id=old.requested_by_id, **_carried(old)
        )
        # created_at is stamped on create; the summary keeps the time it was asked for.
        Export.objects.filter(pk=new.pk).update(created_at=old.created_at)


def backwards(apps, schema_editor):
    YearEndExport = apps.get_model("honours", "YearEndExport")
    Export = apps.get_model("dashboard", "Export")
    moved = Export.objects.filter(kind="year_end", requested_by__isnull=False, year__isnull=False)
    for new in moved.order_by("pk").iterator():
        old = YearEndExport.objects.create(year=new.year, requested_by_id=new.requested_by_id, **_carried(new))
        YearEndExport.objects.filter(pk=old.pk).update(created_at=new.created_at)
    moved.delete()


def _carried(row) -> dict:
    values = {name: getattr(row, name) for name in CARRIED}
    values["file"] = row.file.name  # the same file, where it already lies
    return values


class Migration(migrations.Migration):
    dependencies = [
        ("honours", "0001_honours_rounds_nominations_and_year_end"),
        ("dashboard", "0006_export_year_end_kind"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
