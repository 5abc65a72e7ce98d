from django.db import migrations

from core.provinces import filler, require_key


class Migration(migrations.Migration):
    atomic = False  # core.provinces.filler: the UPDATEs commit before the tables are altered

    dependencies = [
        ("appraisals", "0004_province_key"),
        ("responsibilities", "0012_province_key_filled"),
    ]

    operations = [
        migrations.RunPython(
            filler(
                "appraisals",
                [
                    ("Appraisee", ("unit",)),
                    ("AppraisalEvidence", ("appraisee",)),
                    ("AppraisalResult", ("appraisee",)),
                    ("Finding", ("appraisee",)),
                    ("Ballot", ("appraisee",)),
                    ("BallotScore", ("ballot",)),
                    ("CriterionResult", ("result",)),
                ],
            ),
            migrations.RunPython.noop,
            atomic=True,
        ),
        *require_key(
            "appraisalevidence",
            "appraisalresult",
            "appraisee",
            "ballot",
            "ballotscore",
            "criterionresult",
            "finding",
        ),
    ]
