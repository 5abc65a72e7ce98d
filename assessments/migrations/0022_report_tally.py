"""Per-period counts kept by the database (issue 16, docs/scale.md 4 "Per-period counts
kept"): ``ReportTally``, one row per tree prefix, category, state and due date with how
many reports of the period it holds, kept by PostgreSQL statement triggers on the reports
(every insert, update and delete, however made) and on the units (a unit moved in the
tree takes its reports' counts from its old ancestors' rows to its new ones), in the
writing statement's transaction. The data step fills it from the reports already there
(an installed deployment has years of them): one grouped INSERT … SELECT.

PostgreSQL only: on SQLite (the embedded default, one office) the table is made and left
empty, and the dashboard counts the reports as before (dashboard/selectors.py)."""

import django.db.models.deletion
from django.db import migrations, models

from assessments import tally


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    tally.create(schema_editor.execute)
    # In the migration's transaction, after the triggers: creating them locked the reports
    # against writers until it commits, so a report written meanwhile waits, and is then
    # counted by them, never twice.
    schema_editor.execute(tally.FILL)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    tally.drop(schema_editor.execute)


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
