from django.db import migrations

from core.provinces import filler, owner_filler, require_key, require_organization


class Migration(migrations.Migration):
    """Each round's organization (``core.provinces.owner_filler``: the province of its
    nominations), then the province of the round and of its events."""

    atomic = False  # core.provinces.filler: the UPDATEs commit before the tables are altered

    dependencies = [("honours", "0006_round_organization")]

    operations = [
        migrations.RunPython(owner_filler("honours", "HonourRound", "nominations"), migrations.RunPython.noop, atomic=True),
        migrations.RunPython(
            filler("honours", [("HonourRound", ("organization",)), ("HonourEvent", ("nomination", "round"))]),
            migrations.RunPython.noop,
            atomic=True,
        ),
        *require_key("honourround", "honourevent"),
        *require_organization(
            "honourround", "organization running the round", unique=("year",), name="honourround_once_per_year"
        ),
    ]
