from django.core.management.base import BaseCommand, CommandError

from assessments.services import get_or_create_period, open_period


class Command(BaseCommand):
    help = "Open a half-year period by hand: one draft report per active assignment. Safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)
        parser.add_argument("half", choices=["H1", "H2", "1", "2"])

    def handle(self, *args, year, half, **options):
        if not 2000 <= year <= 2100:
            raise CommandError("The year must be between 2000 and 2100.")
        period = get_or_create_period(year=year, half=int(half[-1]))
        result = open_period(period=period, after_batch=lambda n: self.stdout.write(f"  … {n} assignments"))
        self.stdout.write(f"{period.year} H{period.half}: {result.created} created, {result.existing} already there")
