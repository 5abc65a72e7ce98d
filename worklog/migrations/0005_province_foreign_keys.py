from django.db import migrations

from core.province_keys import AddProvinceForeignKeys, realigner

# Parents first: each row takes the province of what it hangs off before the keys that
# require it are declared (docs/scale.md 5, item 3).
PLAN = [
    ("workrecord", ("unit",)),
    ("recordfile", ("record",)),
    ("workrecordevent", ("record",)),
]


class Migration(migrations.Migration):
    atomic = False  # the rows are realigned and committed before the tables are altered

    dependencies = [("worklog", "0004_province_key_filled"), ("responsibilities", "0015_province_foreign_keys")]

    operations = [
        migrations.RunPython(realigner("worklog", PLAN), migrations.RunPython.noop, atomic=True),
        AddProvinceForeignKeys("workrecord", ["post"]),
        AddProvinceForeignKeys("recordfile", ["record"]),
        AddProvinceForeignKeys("workrecordevent", ["record"]),
    ]
