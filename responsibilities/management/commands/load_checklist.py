from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from responsibilities.services import ChecklistError, load_checklist_file


class Command(BaseCommand):
    help = "Load a checklist YAML (default: the project's 2020 checklist). Running it again updates."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(settings.MINGZE_CHECKLIST_PATH))
        parser.add_argument("--year", type=int, default=None, help="Checklist year (default: the current year).")

    def handle(self, *args, path, year, **options):
        from django.utils import timezone

        year = year or timezone.localdate().year
        try:
            result = load_checklist_file(path=path, year=year)
        except ChecklistError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"checklist {year}: {result.categories} categories, {result.created} duties created, "
            f"{result.updated} updated, {result.unchanged} unchanged"
        )
