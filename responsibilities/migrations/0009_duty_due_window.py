"""A duty's due window (时间节点, issue 12 item 6): half-year (the default, as every duty
was due until now), annual on its own month and day, or quarterly."""

from decimal import Decimal

from django.db import migrations, models

WINDOW_CHOICES = [
    ("half_year", "With the half year"),
    ("annual", "Once a year, on its own date"),
    ("quarterly", "Each quarter"),
]


def weight_once(apps, schema_editor):
    """Political duties were loaded with weight 2 on top of the key category's weight, so
    they counted twice (2 × 1.5 = 3×); the category's weight alone now makes them count
    more (issue 12 item 9). Only the loader's default (2 in a key category) is reset; a
    weight an admin set otherwise is kept."""
    Duty = apps.get_model("responsibilities", "Duty")
    Duty.objects.filter(category__key=True, weight=Decimal(2)).update(weight=Decimal(1))


class Migration(migrations.Migration):
    dependencies = [
        ("responsibilities", "0008_group_member_posts"),
    ]

    operations = [
        migrations.AddField(
            model_name=model,
            name="due_window",
            field=models.CharField(choices=WINDOW_CHOICES, default="half_year", max_length=12, verbose_name="due"),
        )
        for model in ("duty", "historicalduty")
    ] + [
        migrations.AddField(
            model_name=model,
            name=name,
            field=models.PositiveSmallIntegerField(blank=True, null=True, verbose_name=label),
        )
        for model in ("duty", "historicalduty")
        for name, label in (("due_month", "due month"), ("due_day", "due day"))
    ] + [
        migrations.AddConstraint(
            model_name="duty",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("due_month__isnull", True),
                    models.Q(("due_day__gte", 1), ("due_day__lte", 31), ("due_month__gte", 1), ("due_month__lte", 12)),
                    _connector="OR",
                ),
                name="duty_due_date_valid",
            ),
        ),
        migrations.RunPython(weight_once, migrations.RunPython.noop),
    ]
