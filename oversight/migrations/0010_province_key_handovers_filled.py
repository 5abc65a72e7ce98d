from django.db import migrations

from core.provinces import filler, require_key


class Migration(migrations.Migration):
    atomic = False  # core.provinces.filler: the UPDATEs commit before the tables are altered

    dependencies = [
        ("oversight", "0009_province_key_handovers"),
        ("responsibilities", "0014_province_key_posts_filled"),
    ]

    operations = [
        migrations.RunPython(filler("oversight", [("Handover", ("post",))]), migrations.RunPython.noop, atomic=True),
        *require_key("handover"),
    ]
