from django.core.management.base import BaseCommand

from schedules.beat import sync_schedules


class Command(BaseCommand):
    help = (
        "Create or update the periodic tasks of the beat schedule declared in schedules/beat.py "
        "(updated in place; times changed in the admin are kept unless --reset-times)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--reset-times", action="store_true", help="put every task back on the time in code")

    def handle(self, *args, reset_times=False, **options):
        result = sync_schedules(reset_times=reset_times)
        for label, names in (("created", result.created), ("updated", result.updated), ("unchanged", result.unchanged)):
            for name in names:
                self.stdout.write(f"{label}: {name}")
