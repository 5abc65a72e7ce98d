"""``manage.py export_summary --period ID [--unit ID] [--output FILE]``: one period's
figures for a subtree (the whole organization without --unit) as the versioned JSON
document a superior organization collects (api/summary.py; README, "The period summary")."""

import json

from django.core.management.base import BaseCommand, CommandError

from api import summary
from assessments.models import Period
from responsibilities.models import Unit


class Command(BaseCommand):
    help = "Write one period's figures for a subtree as the versioned JSON summary for the level above."

    def add_arguments(self, parser):
        parser.add_argument("--period", type=int, required=True, help="The id of the period.")
        parser.add_argument("--unit", type=int, help="The id of the subtree's top unit (default: everything).")
        parser.add_argument("--output", help="Write to this file instead of standard output.")

    def handle(self, *args, period, unit=None, output=None, **options):
        found = Period.objects.filter(pk=period).first()
        if found is None:
            raise CommandError(f"No period with id {period}.")
        root = None
        if unit is not None:
            root = Unit.objects.filter(pk=unit).first()
            if root is None:
                raise CommandError(f"No unit with id {unit}.")
        text = json.dumps(summary.build(period=found, root=root), ensure_ascii=False, indent=2)
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text + "\n")
        else:
            self.stdout.write(text)
