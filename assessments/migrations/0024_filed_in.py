from django.db import migrations

from core.provinces import filed_filler


class Migration(migrations.Migration):
    """The provinces each person submitted a report in (``Report.filed_by_q``), noted in
    ``responsibilities.FiledIn``: where an outgoing holder's own report is asked second
    (``responsibilities.access.find``)."""

    dependencies = [
        ("assessments", "0023_report_tally_turns"),
        ("responsibilities", "0016_liaison_post_province_filedin"),
    ]

    operations = [
        migrations.RunPython(
            filed_filler("assessments", "Report", "responsible", submitted_at__isnull=False),
            migrations.RunPython.noop,
        )
    ]
