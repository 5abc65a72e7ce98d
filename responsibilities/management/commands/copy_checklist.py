from django.core.management.base import BaseCommand, CommandError

from responsibilities.services import ChecklistError, copy_checklist


class Command(BaseCommand):
    help = "Start next year's draft checklist, with its assignments, from this year's."

    def add_arguments(self, parser):
        parser.add_argument("from_year", type=int)
        parser.add_argument("to_year", type=int)

    def handle(self, *args, from_year, to_year, **options):
        if from_year == to_year:
            raise CommandError("The two years must differ.")
        try:
            checklist, duties, assignments = copy_checklist(from_year=from_year, to_year=to_year)
        except ChecklistError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"checklist {to_year} ({checklist.get_status_display()}): {duties} duties copied, "
            f"{assignments} assignments in all"
        )
