from django.db import migrations

# Every (issuer, province) of the notices issued, once; a pair already there is left as it
# is. The SQL is this migration's own, frozen as made (it once came from live code,
# ``core.provinces``, which may change: a migration must keep meaning what it did).
FILED = """
INSERT INTO responsibilities_filedin (person_id, province_id)
SELECT DISTINCT issued_by_id, province_id FROM oversight_supervisionnotice
WHERE issued_by_id IS NOT NULL
ORDER BY 1, 2
ON CONFLICT DO NOTHING
"""


class Migration(migrations.Migration):
    """The provinces each person issued a 督办 notice in (``SupervisionNotice.filed_by_q``),
    noted in ``responsibilities.FiledIn``: where the issuer's notice is asked second
    (``responsibilities.access.find``)."""

    dependencies = [
        ("oversight", "0013_province_foreign_keys"),
        ("responsibilities", "0016_liaison_post_province_filedin"),
    ]

    operations = [migrations.RunSQL(FILED, migrations.RunSQL.noop)]
