"""Existing rectifications get their source and duty from what they were raised on.

Before this release a rectification's source was set when it was raised, but a row could
carry a link its source did not name (a hand-entered one later tied to a report, or data
loaded from outside). Each row's source now follows its links, as ``raise_rectification``
decides it (a notice before a finding before a report); rows with no link keep theirs
("other source"). The duty concerned is the one of the report it was raised on — directly,
or through the notice it came from — and stays empty where nothing names one.
"""

from django.db import migrations


def source_and_duty_from_links(apps, schema_editor):
    Rectification = apps.get_model("oversight", "Rectification")
    changed = []
    rows = Rectification.objects.select_related("report__assignment", "notice__report__assignment").order_by("pk")
    for r in rows.iterator(chunk_size=500):
        if r.notice_id:
            source = "notice"
        elif r.finding_id:
            source = "appraisal"
        elif r.report_id:
            source = "report"
        else:
            source = r.source
        duty_id = r.duty_id
        if duty_id is None:
            report = r.report if r.report_id else (r.notice.report if r.notice_id and r.notice.report_id else None)
            duty_id = report.assignment.duty_id if report is not None else None
        if (source, duty_id) != (r.source, r.duty_id):
            r.source, r.duty_id = source, duty_id
            changed.append(r)
    Rectification.objects.bulk_update(changed, ["source", "duty"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("oversight", "0005_rectification_sources_and_duty")]

    operations = [migrations.RunPython(source_and_duty_from_links, migrations.RunPython.noop)]
