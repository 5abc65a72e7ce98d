import datetime

from django.core.management.base import BaseCommand, CommandError, no_translations
from django.utils import timezone

from schedules.jobs import JOBS, run_job


class Command(BaseCommand):
    help = (
        "Run one scheduled job now, synchronously, as if today were --date (Asia/Shanghai), "
        "and print what it did. JOB 'all' runs every job in the order of a day."
    )

    def add_arguments(self, parser):
        parser.add_argument("job", choices=[*JOBS, "all"])
        parser.add_argument("--date", help="YYYY-MM-DD; today in Asia/Shanghai when left out")

    @no_translations  # printed for operators, in English like the other commands
    def handle(self, *args, job, date=None, **options):
        try:
            today = datetime.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError:
            raise CommandError(f"--date must be a date as YYYY-MM-DD, not {date!r}.") from None
        self.stdout.write(f"{today.isoformat()} ({today:%A})")
        for result in run_job(job, today=today):
            self.stdout.write(str(result))
