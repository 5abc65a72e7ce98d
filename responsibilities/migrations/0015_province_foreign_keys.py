from django.db import migrations

from core.province_keys import AddProvinceForeignKeys, realigner

# Parents first: each row takes the province of what it hangs off before the keys that
# require it are declared (docs/scale.md 5, item 3).
PLAN = [
    ("unit", ()),
    ("assignment", ("unit",)),
    ("liaison", ("unit",)),
    ("post", ("unit",)),
    ("deputy", ("post",)),
    ("tenure", ("post",)),
]


class Migration(migrations.Migration):
    atomic = False  # the rows are realigned and committed before the tables are altered

    dependencies = [("responsibilities", "0014_province_key_posts_filled")]

    operations = [
        migrations.RunPython(realigner("responsibilities", PLAN), migrations.RunPython.noop, atomic=True),
        AddProvinceForeignKeys("assignment", ["post"]),
        AddProvinceForeignKeys("deputy", ["post"]),
        AddProvinceForeignKeys("tenure", ["post"]),
    ]
