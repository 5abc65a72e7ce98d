from django.db import migrations, models

from core.provinces import add_key, add_organization


class Migration(migrations.Migration):
    """A round belongs to the organization that runs it (issue 16 item 5): the round and
    its events get the province key (core.provinces; docs/scale.md section 5), nullable
    until filled; a year has a round per organization."""

    dependencies = [
        ("honours", "0005_province_key_filled"),
        ("responsibilities", "0014_province_key_posts_filled"),
    ]

    operations = [
        *add_organization("honourround", "organization running the round"),
        *add_key("honourround", "honourevent"),
        migrations.AlterField(
            model_name="honourround", name="year", field=models.PositiveSmallIntegerField(verbose_name="year")
        ),
    ]
