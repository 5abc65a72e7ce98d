from django.db import migrations

from core.province_keys import AddProvinceForeignKeys, realigner

# Parents first: each row takes the province of what it hangs off before the keys that
# require it are declared (docs/scale.md 5, item 3).
PLAN = [
    ("honour", ("unit",)),
    ("honourround", ("organization",)),
    ("nomination", ("round",)),
    ("honourevent", ("nomination", "round")),
    ("objection", ("nomination",)),
]


class Migration(migrations.Migration):
    atomic = False  # the rows are realigned and committed before the tables are altered

    dependencies = [("honours", "0007_round_organization_filled")]

    operations = [
        migrations.RunPython(realigner("honours", PLAN), migrations.RunPython.noop, atomic=True),
        AddProvinceForeignKeys("nomination", ["round"]),
        AddProvinceForeignKeys("honourevent", ["round", "nomination"]),
        AddProvinceForeignKeys("objection", ["round", "nomination"]),
    ]
