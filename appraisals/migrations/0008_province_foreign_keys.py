from django.db import migrations

from core.province_keys import AddProvinceForeignKeys, realigner

# Parents first: each row takes the province of what it hangs off before the keys that
# require it are declared (docs/scale.md 5, item 3).
PLAN = [
    ("appraisalround", ("organization",)),
    ("appraisee", ("round",)),
    ("ballotbox", ("round",)),
    ("ballottoken", ("round",)),
    ("criterion", ("round",)),
    ("gradelevel", ("round",)),
    ("rater", ("round",)),
    ("appraisalevent", ("appraisee", "round")),
    ("appraisalevidence", ("appraisee",)),
    ("appraisalresult", ("appraisee",)),
    ("ballot", ("appraisee",)),
    ("finding", ("appraisee",)),
    ("ballotscore", ("ballot",)),
    ("criterionresult", ("result",)),
]


class Migration(migrations.Migration):
    atomic = False  # the rows are realigned and committed before the tables are altered

    dependencies = [("appraisals", "0007_round_organization_filled")]

    operations = [
        migrations.RunPython(realigner("appraisals", PLAN), migrations.RunPython.noop, atomic=True),
        AddProvinceForeignKeys("appraisee", ["round"]),
        AddProvinceForeignKeys("ballotbox", ["round"]),
        AddProvinceForeignKeys("ballottoken", ["round"]),
        AddProvinceForeignKeys("criterion", ["round"]),
        AddProvinceForeignKeys("gradelevel", ["round"]),
        AddProvinceForeignKeys("rater", ["round"]),
        AddProvinceForeignKeys("appraisalevent", ["round", "appraisee"]),
        AddProvinceForeignKeys("appraisalevidence", ["appraisee"]),
        AddProvinceForeignKeys("appraisalresult", ["appraisee", "grade"]),
        AddProvinceForeignKeys("ballot", ["round", "appraisee"]),
        AddProvinceForeignKeys("finding", ["appraisee"]),
        AddProvinceForeignKeys("ballotscore", ["ballot", "criterion", "level"]),
        AddProvinceForeignKeys("criterionresult", ["result", "criterion"]),
    ]
