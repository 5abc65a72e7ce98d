from django.db import migrations

from core.provinces import filed_filler


class Migration(migrations.Migration):
    """The provinces each person issued a 督办 notice in (``SupervisionNotice.filed_by_q``),
    noted in ``responsibilities.FiledIn``: where the issuer's notice is asked second
    (``responsibilities.access.find``)."""

    dependencies = [
        ("oversight", "0013_province_foreign_keys"),
        ("responsibilities", "0016_liaison_post_province_filedin"),
    ]

    operations = [
        migrations.RunPython(filed_filler("oversight", "SupervisionNotice", "issued_by"), migrations.RunPython.noop)
    ]
