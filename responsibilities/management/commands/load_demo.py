from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core import demo
from responsibilities.demo import DEMO_PASSWORD
from responsibilities.models import Checklist


class Command(BaseCommand):
    help = (
        "Load the demo organization, people and stories, each app its own step in order "
        "(only with DEBUG: the passwords are public)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=None)

    def handle(self, *args, year, **options):
        if not settings.DEBUG:
            raise CommandError("load_demo makes accounts with a public password; it runs only with DEBUG on.")
        year = year or timezone.localdate().year
        if not Checklist.objects.filter(year=year).exists():
            raise CommandError(f"Load the checklist of {year} first: python manage.py load_checklist --year {year}")
        people = []
        for outcome in demo.run(year=year):
            if outcome.summary:
                self.stdout.write(f"demo: {outcome.summary}")
            people += outcome.people
        self.stdout.write(f"demo accounts (password {DEMO_PASSWORD}):")
        for person in people:
            self.stdout.write(f"  {person.username:<10} {person.full_name}  {person.note}")
