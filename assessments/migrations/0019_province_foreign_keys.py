from django.db import migrations

from core.province_keys import AddProvinceForeignKeys, realigner

# Parents first: each row takes the province of what it hangs off before the keys that
# require it are declared (docs/scale.md 5, item 3).
PLAN = [
    ("meeting", ("unit",)),
    ("report", ("unit",)),
    ("task", ("unit",)),
    ("unitplan", ("unit",)),
    ("decision", ("meeting",)),
    ("evidence", ("report",)),
    ("minutes", ("meeting",)),
    ("outsidereview", ("report",)),
    ("reportevent", ("report",)),
    ("taskevent", ("task",)),
    ("taskfile", ("task",)),
]


class Migration(migrations.Migration):
    atomic = False  # the rows are realigned and committed before the tables are altered

    dependencies = [("assessments", "0018_submitted_queue_index"), ("responsibilities", "0015_province_foreign_keys")]

    operations = [
        migrations.RunPython(realigner("assessments", PLAN), migrations.RunPython.noop, atomic=True),
        AddProvinceForeignKeys("report", ["assignment"]),
        AddProvinceForeignKeys("task", ["post"]),
        AddProvinceForeignKeys("decision", ["meeting"]),
        AddProvinceForeignKeys("evidence", ["report"]),
        AddProvinceForeignKeys("minutes", ["meeting"]),
        AddProvinceForeignKeys("outsidereview", ["report"]),
        AddProvinceForeignKeys("reportevent", ["report"]),
        AddProvinceForeignKeys("taskevent", ["task"]),
        AddProvinceForeignKeys("taskfile", ["task"]),
    ]
