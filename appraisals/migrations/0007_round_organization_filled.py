from django.db import migrations, models

from core.provinces import filler, owner_filler, require_key, require_organization


class Migration(migrations.Migration):
    """Each round's organization (``core.provinces.owner_filler``: the province of its
    appraised secretaries), then the province of the round and of what hangs off it."""

    atomic = False  # core.provinces.filler: the UPDATEs commit before the tables are altered

    dependencies = [("appraisals", "0006_round_organization")]

    operations = [
        migrations.RunPython(
            owner_filler("appraisals", "AppraisalRound", "appraisees"), migrations.RunPython.noop, atomic=True
        ),
        migrations.RunPython(
            filler(
                "appraisals",
                [
                    ("AppraisalRound", ("organization",)),
                    ("Criterion", ("round",)),
                    ("GradeLevel", ("round",)),
                    ("Rater", ("round",)),
                    ("BallotToken", ("round",)),
                    ("BallotBox", ("round",)),
                    ("AppraisalEvent", ("appraisee", "round")),
                ],
            ),
            migrations.RunPython.noop,
            atomic=True,
        ),
        *require_key("appraisalround", "criterion", "gradelevel", "rater", "ballottoken", "ballotbox", "appraisalevent"),
        *require_organization(
            "appraisalround", "organization running the round", unique=("year",), name="appraisalround_once_per_year"
        ),
        migrations.AddConstraint(
            model_name="rater",
            constraint=models.UniqueConstraint(fields=("province", "round", "person"), name="rater_once_per_round"),
        ),
        migrations.AddConstraint(
            model_name="ballottoken",
            constraint=models.UniqueConstraint(fields=("province", "round", "token"), name="ballottoken_once_per_rater"),
        ),
    ]
