"""Per-period counts kept by the database (issue 16, docs/scale.md 4 "Per-period counts
kept"): ``ReportTally``, one row per tree prefix, category, state and due date with how
many reports of the period it holds, kept by PostgreSQL statement triggers on the reports
(every insert, update and delete, however made) and on the units (a unit moved in the
tree takes its reports' counts from its old ancestors' rows to its new ones), in the
writing statement's transaction. The data step fills it from the reports already there
(an installed deployment has years of them): one grouped INSERT … SELECT.

PostgreSQL only: on SQLite (the embedded default, one office) the table is made and left
empty, and the dashboard counts the reports as before (dashboard/selectors.py).

The SQL is this migration's own, frozen as it was made (it once came from
``assessments.tally``, live code that may change): migrating a database installs these
triggers whatever the code of the day says; a later change to them is a later migration."""

import django.db.models.deletion
from django.db import migrations, models

# Every prefix of each counted unit's path (steps of 4: treebeard's steplen), the deltas
# summed per key, the zeros left out, in key order. ``d``: (province_id, period_id, path,
# category_id, state, due_on, n).
UPSERT = """
INSERT INTO assessments_reporttally AS t (province_id, period_id, prefix, above, category_id, state, due_on, n)
SELECT d.province_id, d.period_id, SUBSTRING(d.path, 1, k * 4), SUBSTRING(d.path, 1, (k - 1) * 4),
       d.category_id, d.state, d.due_on, SUM(d.n)
FROM ({deltas}) d
CROSS JOIN LATERAL generate_series(1, LENGTH(d.path) / 4) k
GROUP BY 1, 2, 3, 4, 5, 6, 7
HAVING SUM(d.n) <> 0
ORDER BY 1, 2, 3, 5, 6, 7
ON CONFLICT (province_id, period_id, prefix, category_id, state, due_on) DO UPDATE SET n = t.n + EXCLUDED.n
"""

REPORT_ROWS = """
SELECT c.province_id, c.period_id, u.path, c.category_id, c.state, c.due_on, SUM(c.n) AS n
FROM ({rows}) c JOIN responsibilities_unit u ON u.id = c.unit_id
GROUP BY 1, 2, 3, 4, 5, 6
"""
COLUMNS = "province_id, period_id, unit_id, category_id, state, due_on"
NEW = f"SELECT {COLUMNS}, 1 AS n FROM tally_new"
OLD = f"SELECT {COLUMNS}, -1 AS n FROM tally_old"

UNIT_ROWS = """
SELECT r.province_id, r.period_id, m.path, r.category_id, r.state, r.due_on, m.sign * COUNT(*) AS n
FROM (
    SELECT o.id, o.path, -1 AS sign FROM tally_old o JOIN tally_new w ON w.id = o.id WHERE w.path <> o.path
    UNION ALL
    SELECT w.id, w.path, 1 FROM tally_old o JOIN tally_new w ON w.id = o.id WHERE w.path <> o.path
) m
JOIN assessments_report r ON r.unit_id = m.id
GROUP BY 1, 2, 3, 4, 5, 6, m.sign
"""

BOTH = "OLD TABLE AS tally_old NEW TABLE AS tally_new"

# (function and trigger name, event, table, transition tables, the deltas it counts)
TRIGGERS = [
    ("assessments_report_tally_insert", "INSERT", "assessments_report", "NEW TABLE AS tally_new", (NEW,)),
    ("assessments_report_tally_update", "UPDATE", "assessments_report", BOTH, (NEW, OLD)),
    ("assessments_report_tally_delete", "DELETE", "assessments_report", "OLD TABLE AS tally_old", (OLD,)),
    ("assessments_unit_tally_move", "UPDATE", "responsibilities_unit", BOTH, None),
]


# The rows already there, counted once (the triggers then keep them).
FILL = UPSERT.format(deltas=REPORT_ROWS.format(rows=f"SELECT {COLUMNS}, 1 AS n FROM assessments_report"))


def _deltas(parts) -> str:
    return UNIT_ROWS if parts is None else REPORT_ROWS.format(rows=" UNION ALL ".join(parts))


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _event, _table, _transition, parts in TRIGGERS:
        # JIT off within the function: the planner cannot know a transition table's rows,
        # guesses millions, and compiled every batch of a period's opening.
        schema_editor.execute(
            f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql SET jit = off AS $$ BEGIN\n"
            f"{UPSERT.format(deltas=_deltas(parts))};\nRETURN NULL;\nEND $$;"
        )
    for name, event, table, transition, _parts in TRIGGERS:
        schema_editor.execute(
            f"CREATE TRIGGER {name} AFTER {event} ON {table} REFERENCING {transition} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {name}();"
        )
    # In the migration's transaction, after the triggers: creating them locked the reports
    # against writers until it commits, so a report written meanwhile waits, and is then
    # counted by them, never twice.
    schema_editor.execute(FILL)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _event, table, _transition, _parts in reversed(TRIGGERS):
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table};")
    for name, *_rest in reversed(TRIGGERS):
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {name}();")


class Migration(migrations.Migration):

    dependencies = [
        ('assessments', '0021_report_opening_keys'),
        ('responsibilities', '0015_province_foreign_keys'),
    ]

    operations = [
        migrations.CreateModel(
            name='ReportTally',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('prefix', models.CharField(max_length=255)),
                ('above', models.CharField(max_length=255)),
                ('state', models.CharField(choices=[('draft', 'Draft'), ('submitted', 'Submitted'), ('returned', 'Returned'), ('approved', 'Approved'), ('locked', 'Locked')], max_length=10)),
                ('due_on', models.DateField()),
                ('n', models.IntegerField(default=0)),
                ('category', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='responsibilities.category')),
                ('period', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='assessments.period')),
                ('province', models.ForeignKey(db_constraint=False, db_index=False, editable=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='responsibilities.unit', verbose_name='province')),
            ],
            options={
                'verbose_name': 'report tally',
                'verbose_name_plural': 'report tallies',
                'constraints': [models.UniqueConstraint(fields=('province', 'period', 'prefix', 'category', 'state', 'due_on'), name='reporttally_key')],
                'indexes': [models.Index(fields=['province', 'period', 'above'], name='reporttally_above')],
            },
        ),
        migrations.RunPython(forward, backward),
    ]
