from django.core.management.base import BaseCommand

from accounts.security import purge, retention_days


class Command(BaseCommand):
    help = "Delete the security log's entries older than its retention (at least 180 days)."

    def handle(self, *args, **options):
        self.stdout.write(f"{purge()} entries older than {retention_days()} days purged")
