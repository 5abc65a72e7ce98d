from django.db import migrations, models

from core.provinces import add_history_key, add_key


class Migration(migrations.Migration):
    """The province key on posts, tenures, deputies, liaisons and assignments
    (core.provinces; docs/scale.md section 5), nullable until filled."""

    dependencies = [
        ("responsibilities", "0012_province_key_filled"),
    ]

    operations = [
        *add_history_key("historicalassignment", "historicalpost"),
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
