from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore a backup folder made by `backup` (database and uploaded files)."

    def add_arguments(self, parser):
        parser.add_argument("folder")
        parser.add_argument("--database-url", default=None, help="Restore into this database instead of DATABASE_URL.")

    def handle(self, *args, folder, database_url, **options):
        try:
            restore(source=Path(folder), database_url=database_url)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"restored {folder}")
