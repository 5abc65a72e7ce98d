from django.db import migrations, models

from core.provinces import add_key, add_organization


class Migration(migrations.Migration):
    """A round belongs to the organization that runs it (issue 16 item 5): the round, its
    criteria, scale, raters, ballot tokens, sealed sheets and events get the province key
    (core.provinces; docs/scale.md section 5), nullable until filled; a year has a round
    per organization."""

    dependencies = [
        ("appraisals", "0005_province_key_filled"),
        ("responsibilities", "0014_province_key_posts_filled"),
    ]

    operations = [
        *add_organization("appraisalround", "organization running the round"),
        *add_key("appraisalround", "criterion", "gradelevel", "rater", "ballottoken", "ballotbox", "appraisalevent"),
        migrations.AlterField(
            model_name="appraisalround", name="year", field=models.PositiveSmallIntegerField(verbose_name="year")
        ),
        migrations.RemoveConstraint(model_name="rater", name="rater_once_per_round"),
        migrations.RemoveConstraint(model_name="ballottoken", name="ballottoken_once_per_rater"),
    ]
