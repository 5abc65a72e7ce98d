"""Each report carries its own due date and quarter (时间节点, issue 12 item 6).

Existing reports were all due with their period: they get the period's due date, and
quarter 0 (the whole half). The unique constraint becomes (assignment, period, quarter),
so a quarterly duty can have one report per quarter of the half.
"""

from django.db import migrations, models


def fill_due_dates(apps, schema_editor):
    Report = apps.get_model("assessments", "Report")
    Period = apps.get_model("assessments", "Period")
    Report.objects.update(
        due_on=models.Subquery(Period.objects.filter(pk=models.OuterRef("period_id")).values("due_on")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0010_unit_succession_moves"),
        ("responsibilities", "0009_duty_due_window"),
    ]

    operations = [
        migrations.AddField(
            model_name="report",
            name="due_on",
            field=models.DateField(null=True, verbose_name="due on"),
        ),
        migrations.AddField(
            model_name="report",
            name="quarter",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="quarter"),
        ),
        migrations.RunPython(fill_due_dates, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="report",
            name="due_on",
            field=models.DateField(verbose_name="due on"),
        ),
        migrations.RemoveConstraint(model_name="report", name="report_unique_per_period"),
        migrations.AddConstraint(
            model_name="report",
            constraint=models.UniqueConstraint(
                fields=("assignment", "period", "quarter"), name="report_unique_per_period"
            ),
        ),
        # The dashboard's grouped counts also count red and yellow reports on their own
        # due dates: the index they scan carries it.
        migrations.RemoveIndex(model_name="report", name="report_period_unit_cat_state"),
        migrations.AddIndex(
            model_name="report",
            index=models.Index(
                fields=["period", "unit", "category", "state"], include=["due_on"], name="report_period_unit_cat_state"
            ),
        ),
        migrations.AddConstraint(
            model_name="report",
            constraint=models.CheckConstraint(
                condition=models.Q(("quarter__gte", 0), ("quarter__lte", 4)), name="report_quarter_valid"
            ),
        ),
    ]
