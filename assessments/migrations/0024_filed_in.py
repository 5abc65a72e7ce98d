from django.db import migrations

# Every (submitter, province) of the reports submitted, once; a pair already there is left
# as it is. The SQL is this migration's own, frozen as made (it once came from live code,
# ``core.provinces``, which may change: a migration must keep meaning what it did).
FILED = """
INSERT INTO responsibilities_filedin (person_id, province_id)
SELECT DISTINCT responsible_id, province_id FROM assessments_report
WHERE responsible_id IS NOT NULL AND submitted_at IS NOT NULL
ORDER BY 1, 2
ON CONFLICT DO NOTHING
"""


class Migration(migrations.Migration):
    """The provinces each person submitted a report in (``Report.filed_by_q``), noted in
    ``responsibilities.FiledIn``: where an outgoing holder's own report is asked second
    (``responsibilities.access.find``)."""

    dependencies = [
        ("assessments", "0023_report_tally_turns"),
        ("responsibilities", "0016_liaison_post_province_filedin"),
    ]

    operations = [migrations.RunSQL(FILED, migrations.RunSQL.noop)]
