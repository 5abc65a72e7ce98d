from django.db import migrations

from core.province_keys import AddProvinceForeignKeys, realigner

# Parents first: each row takes the province of what it hangs off before the keys that
# require it are declared (docs/scale.md 5, item 3).
PLAN = [
    ("bonusitem", ("unit",)),
    ("unitscore", ("unit",)),
    ("scoreline", ("unit_score",)),
]


class Migration(migrations.Migration):
    atomic = False  # the rows are realigned and committed before the tables are altered

    dependencies = [("scoring", "0006_unitscore_period_computed"), ("assessments", "0019_province_foreign_keys")]

    operations = [
        migrations.RunPython(realigner("scoring", PLAN), migrations.RunPython.noop, atomic=True),
        AddProvinceForeignKeys("scoreline", ["unit_score", "task", "bonus"]),
    ]
