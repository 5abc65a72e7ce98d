from django.db import migrations

from core.provinces import filler, require_key


class Migration(migrations.Migration):
    atomic = False  # core.provinces.filler: the UPDATEs commit before the tables are altered

    dependencies = [
        ("honours", "0004_province_key"),
        ("responsibilities", "0012_province_key_filled"),
    ]

    operations = [
        migrations.RunPython(
            filler("honours", [("Nomination", ("unit",)), ("Honour", ("unit",)), ("Objection", ("nomination",))]),
            migrations.RunPython.noop,
            atomic=True,
        ),
        *require_key("honour", "nomination", "objection"),
    ]
