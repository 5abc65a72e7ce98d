import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import core.provinces


class Migration(migrations.Migration):
    """A liaison carries its post's province (``post_province``, nullable until filled) and
    a person the provinces they filed in (``FiledIn``): the reads by id alone they stood
    for name the province (docs/scale.md 5)."""

    dependencies = [
        ("responsibilities", "0015_province_foreign_keys"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="liaison",
            name="post_province",
            field=core.provinces.province_field(verbose_name="leader post's province", null=True),
        ),
        migrations.CreateModel(
            name="FiledIn",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="person",
                    ),
                ),
                (
                    "province",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="responsibilities.unit",
                        verbose_name="province",
                    ),
                ),
            ],
            options={
                "verbose_name": "province filed in",
                "verbose_name_plural": "provinces filed in",
                "constraints": [
                    models.UniqueConstraint(fields=("person", "province"), name="filedin_unique_person_province")
                ],
            },
        ),
    ]
