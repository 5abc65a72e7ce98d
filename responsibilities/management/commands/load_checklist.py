from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from responsibilities.services import ChecklistError, load_checklist_file, load_default_checklist


class Command(BaseCommand):
    help = (
        "Load a checklist YAML (default: the project's 2020 checklist). Without --year it is loaded "
        "as the year it was written (its 'year' key) and copied forward to the current year. "
        "Running it again updates."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(settings.MINGZE_CHECKLIST_PATH))
        parser.add_argument("--year", type=int, default=None, help="Load it as this year's checklist, as it is.")

    def handle(self, *args, path, year, **options):
        try:
            if year is None:
                result, current = load_default_checklist(path=path, year=timezone.localdate().year)
            else:
                result, current = load_checklist_file(path=path, year=year), None
        except ChecklistError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"checklist {result.checklist.year}: {result.categories} categories, {result.created} duties created, "
            f"{result.updated} updated, {result.unchanged} unchanged"
        )
        if current is not None and current.pk != result.checklist.pk:
            self.stdout.write(
                f"checklist {current.year} ({current.get_status_display()}): copied forward from "
                f"{result.checklist.year}, {current.duties.count()} duties"
            )
