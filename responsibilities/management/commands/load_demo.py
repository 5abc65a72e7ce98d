from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from assessments.demo import load_demo_reports
from responsibilities.demo import DEMO_PASSWORD, load_demo
from responsibilities.models import Checklist


class Command(BaseCommand):
    help = "Load the demo organization and people (only with DEBUG: the passwords are public)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=None)

    def handle(self, *args, year, **options):
        if not settings.DEBUG:
            raise CommandError("load_demo makes accounts with a public password; it runs only with DEBUG on.")
        year = year or timezone.localdate().year
        if not Checklist.objects.filter(year=year).exists():
            raise CommandError(f"Load the checklist of {year} first: python manage.py load_checklist --year {year}")
        result = load_demo(checklist_year=year)
        self.stdout.write(f"demo: {result['units']} units, {result['assignments_created']} assignments created")
        loop = load_demo_reports()
        self.stdout.write(
            f"demo: {loop['period']} open with {loop['reports']} reports, {loop['played']} demo steps played"
        )
        self.stdout.write(f"demo accounts (password {DEMO_PASSWORD}):")
        for person in result["people"]:
            self.stdout.write(f"  {person.username:<10} {person.full_name}  {person.note}")
