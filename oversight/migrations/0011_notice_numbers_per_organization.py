from django.db import migrations, models

from core.provinces import add_organization, organization_field, province_field


class Migration(migrations.Migration):
    """督办 numbers per issuing organization (issue 16 item 5): a notice names the
    organization whose series numbers it (nullable until filled), and the counter keeps one
    row per organization and year in that organization's province instead of one row per
    year for the whole installation. The old counter's rows are replaced by the next
    migration, from the numbers the notices carry."""

    dependencies = [
        ("oversight", "0010_province_key_handovers_filled"),
        ("responsibilities", "0014_province_key_posts_filled"),
    ]

    operations = [
        *add_organization("supervisionnotice", "issuing organization"),
        migrations.RemoveConstraint(model_name="supervisionnotice", name="notice_unique_number_per_year"),
        migrations.DeleteModel(name="NoticeCounter"),
        migrations.CreateModel(
            name="NoticeCounter",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("province", province_field()),
                ("year", models.PositiveSmallIntegerField(verbose_name="year")),
                ("last", models.PositiveIntegerField(default=0, verbose_name="last number")),
                ("organization", organization_field("issuing organization")),
            ],
            options={
                "verbose_name": "notice counter",
                "verbose_name_plural": "notice counters",
                "constraints": [
                    models.UniqueConstraint(fields=("province", "organization", "year"), name="notice_counter_per_year")
                ],
            },
        ),
    ]
