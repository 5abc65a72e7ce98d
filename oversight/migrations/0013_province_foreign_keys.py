from django.db import migrations

from core.province_keys import AddProvinceForeignKeys, realigner

# Parents first: each row takes the province of what it hangs off before the keys that
# require it are declared (docs/scale.md 5, item 3).
PLAN = [
    ("noticecounter", ("organization",)),
    ("rectification", ("unit",)),
    ("supervisionnotice", ("unit",)),
    ("attachment", ("rectification", "notice")),
    ("event", ("rectification", "notice")),
    ("handover", ("post",)),
]


class Migration(migrations.Migration):
    atomic = False  # the rows are realigned and committed before the tables are altered

    dependencies = [
        ("oversight", "0012_notice_numbers_per_organization_filled"),
        ("responsibilities", "0015_province_foreign_keys"),
    ]

    operations = [
        migrations.RunPython(realigner("oversight", PLAN), migrations.RunPython.noop, atomic=True),
        AddProvinceForeignKeys("rectification", ["post"]),
        AddProvinceForeignKeys("attachment", ["rectification", "notice"]),
        AddProvinceForeignKeys("event", ["rectification", "notice"]),
        AddProvinceForeignKeys("handover", ["post"]),
    ]
