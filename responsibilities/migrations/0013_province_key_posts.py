import django.db.models.deletion
from django.db import migrations, models

from core.provinces import add_key


def historical_key(model_name):
    """simple_history's copy of the key: nullable, and left empty on rows written before it."""
    return migrations.AddField(
        model_name=model_name,
        name="province",
        field=models.ForeignKey(
            blank=True,
            db_constraint=False,
            editable=False,
            null=True,
            on_delete=django.db.models.deletion.DO_NOTHING,
            related_name="+",
            to="responsibilities.unit",
            verbose_name="province",
        ),
    )


class Migration(migrations.Migration):
    """The province key on posts, tenures, deputies, liaisons and assignments
    (core.provinces; docs/scale.md section 5), nullable until filled."""

    dependencies = [
        ("responsibilities", "0012_province_key_filled"),
    ]

    operations = [
        historical_key("historicalassignment"),
        historical_key("historicalpost"),
        *add_key("assignment", "deputy", "liaison", "post", "tenure"),
        migrations.RemoveConstraint(model_name="assignment", name="assignment_unique_duty_post"),
        migrations.RemoveConstraint(model_name="liaison", name="liaison_one_open_per_unit"),
        migrations.RemoveConstraint(model_name="post", name="post_unique_title_per_unit"),
        migrations.RemoveConstraint(model_name="tenure", name="tenure_one_open_per_post"),
        migrations.AddConstraint(
            model_name="assignment",
            constraint=models.UniqueConstraint(fields=("province", "duty", "post"), name="assignment_unique_duty_post"),
        ),
        migrations.AddConstraint(
            model_name="liaison",
            constraint=models.UniqueConstraint(
                condition=models.Q(("ended__isnull", True)),
                fields=("province", "unit"),
                name="liaison_one_open_per_unit",
            ),
        ),
        migrations.AddConstraint(
            model_name="post",
            constraint=models.UniqueConstraint(fields=("province", "unit", "title"), name="post_unique_title_per_unit"),
        ),
        migrations.AddConstraint(
            model_name="tenure",
            constraint=models.UniqueConstraint(
                condition=models.Q(("ended__isnull", True)),
                fields=("province", "post"),
                name="tenure_one_open_per_post",
            ),
        ),
    ]
