from django.conf import settings
from django.db import migrations, models

from core.provinces import add_key


class Migration(migrations.Migration):
    """The province key on nominations, their objections and the honours conferred
    (core.provinces; docs/scale.md section 5), nullable until filled."""

    dependencies = [
        ("honours", "0003_year_end_exports_dropped"),
        ("responsibilities", "0012_province_key_filled"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        *add_key("honour", "nomination", "objection"),
        migrations.RemoveConstraint(model_name="nomination", name="nomination_unit_once"),
        migrations.RemoveConstraint(model_name="nomination", name="nomination_person_once"),
        migrations.AddConstraint(
            model_name="honour",
            constraint=models.UniqueConstraint(fields=("province", "nomination"), name="honour_once_per_nomination"),
        ),
        migrations.AddConstraint(
            model_name="nomination",
            constraint=models.UniqueConstraint(
                condition=models.Q(("person__isnull", True)),
                fields=("province", "round", "kind", "unit"),
                name="nomination_unit_once",
            ),
        ),
        migrations.AddConstraint(
            model_name="nomination",
            constraint=models.UniqueConstraint(
                condition=models.Q(("person__isnull", False)),
                fields=("province", "round", "kind", "person"),
                name="nomination_person_once",
            ),
        ),
    ]
