from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Put people into posts from the organization's directory (LDAP); people who left are "
        "flagged and their posts left vacant. --dry-run prints what would change."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="print the changes without making them")

    def handle(self, *args, dry_run, **options):
        from accounts.directory import DirectoryUnavailable
        from responsibilities.directory_sync import sync_directory

        try:
            plan = sync_directory(dry_run=dry_run)
        except DirectoryUnavailable as exc:
            raise CommandError(str(exc)) from exc
        prefix = "would: " if dry_run else ""
        for line in plan.lines:
            self.stdout.write(f"{prefix}{line}")
        for line in plan.unmatched:
            self.stdout.write(f"no post matches: {line}")
        self.stdout.write(f"{len(plan.lines)} changes{' (dry run, nothing changed)' if dry_run else ''}")
