from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back up the PostgreSQL database and the uploaded files into a new folder."

    def add_arguments(self, parser):
        parser.add_argument("--target", default=str(Path(settings.BASE_DIR) / "backups"))

    def handle(self, *args, target, **options):
        try:
            folder = backup(target=Path(target))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(str(folder))
