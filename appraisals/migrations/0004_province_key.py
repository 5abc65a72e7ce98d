from django.db import migrations, models

from core.provinces import add_key


class Migration(migrations.Migration):
    """The province key on an appraised secretary and everything under them
    (core.provinces; docs/scale.md section 5), nullable until filled."""

    dependencies = [
        ("appraisals", "0003_ballot_box"),
        ("responsibilities", "0012_province_key_filled"),
    ]

    operations = [
        *add_key(
            "appraisalevidence",
            "appraisalresult",
            "appraisee",
            "ballot",
            "ballotscore",
            "criterionresult",
            "finding",
        ),
        migrations.RemoveConstraint(model_name="appraisee", name="appraisee_once_per_round"),
        migrations.RemoveConstraint(model_name="ballotscore", name="ballotscore_once_per_criterion"),
        migrations.RemoveConstraint(model_name="criterionresult", name="criterionresult_once"),
        migrations.AddConstraint(
            model_name="appraisalresult",
            constraint=models.UniqueConstraint(fields=("province", "appraisee"), name="appraisalresult_once"),
        ),
        migrations.AddConstraint(
            model_name="appraisee",
            constraint=models.UniqueConstraint(fields=("province", "round", "person"), name="appraisee_once_per_round"),
        ),
        migrations.AddConstraint(
            model_name="ballotscore",
            constraint=models.UniqueConstraint(
                fields=("province", "ballot", "criterion"), name="ballotscore_once_per_criterion"
            ),
        ),
        migrations.AddConstraint(
            model_name="criterionresult",
            constraint=models.UniqueConstraint(fields=("province", "result", "criterion"), name="criterionresult_once"),
        ),
    ]
