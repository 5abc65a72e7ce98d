from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from assessments import tally
from assessments.models import Period
from responsibilities.models import Unit


class Command(BaseCommand):
    help = (
        "Count the per-period report tally afresh from the reports (after a restore, a manual SQL fix, "
        "or whenever its numbers are doubted): rebuild it, or with --check only compare it and exit "
        "non-zero naming each (period, unit) that differs. Scheduled periods are left out: a period's "
        "reports are counted when it opens."
    )

    def add_arguments(self, parser):
        parser.add_argument("--period", type=int, help="only this period (its id); all periods by default")
        parser.add_argument("--check", action="store_true", help="compare only, change nothing")

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError("The report tally is kept on PostgreSQL only; this database counts the reports.")
        period = options["period"]
        if period is not None and not Period.objects.filter(pk=period).exists():
            raise CommandError(f"No period with id {period}.")
        with transaction.atomic(), connection.cursor() as cursor:
            left_out = tally.scheduled(cursor)
            if period is not None:
                left_out = [pk for pk in left_out if pk == period]
            if left_out:
                listed = ", ".join(str(pk) for pk in left_out)
                self.stdout.write(
                    f"left out: scheduled period(s) {listed} (a period's reports are counted when it opens)"
                )
            if period is not None and left_out:
                return  # that period is not opened yet: nothing to compare or rebuild
            if not options["check"]:
                written = tally.refill(cursor, period, left_out=left_out)
                self.stdout.write(f"tally counted afresh: {written} rows written")
                return
            found = tally.differences(cursor, period, left_out=left_out)
        paths = {prefix for _province, _period, prefix, *_rest in found}
        units = dict(self._units(paths))
        for _province, period_id, prefix, category, state, due_on, kept, counted in found:
            unit = units.get(prefix, f"path {prefix}")
            self.stderr.write(
                f"differs: period {period_id}, unit {unit}, category {category}, {state}, due {due_on}: "
                f"tally {kept}, reports {counted}"
            )
        if found:
            raise CommandError(f"{len(found)} tally row(s) differ from the reports; run recount_tally to rebuild")
        self.stdout.write("tally matches the reports")

    @staticmethod
    def _units(paths):
        for path, code, name in Unit.objects.filter(path__in=paths).values_list("path", "code", "name"):
            yield path, f"{code} {name}"
