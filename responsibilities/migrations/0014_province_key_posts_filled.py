from django.db import migrations

from core.provinces import filler, require_key


class Migration(migrations.Migration):
    atomic = False  # core.provinces.filler: the UPDATEs commit before the tables are altered

    dependencies = [
        ("responsibilities", "0013_province_key_posts"),
    ]

    operations = [
        migrations.RunPython(
            filler(
                "responsibilities",
                [
                    ("Post", ("unit",)),
                    ("Liaison", ("unit",)),
                    ("Assignment", ("unit",)),
                    ("Tenure", ("post",)),
                    ("Deputy", ("post",)),
                ],
            ),
            migrations.RunPython.noop,
            atomic=True,
        ),
        *require_key("assignment", "deputy", "liaison", "post", "tenure"),
    ]
