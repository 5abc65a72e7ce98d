from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from audit import anchors
from audit.chain import verify


class Command(BaseCommand):
    help = (
        "Walk the tamper-evident trail in one snapshot and check it against the newest anchor; "
        "exit non-zero naming the first broken link of each chain."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--anchor",
            type=Path,
            help="check against the last line of this file (an anchor e-mailed to the supervisors) "
            "instead of the newest line of the anchor file",
        )

    def handle(self, *args, **options):
        anchor = None
        if options["anchor"] is not None:
            if not options["anchor"].exists():
                raise CommandError(f"no such anchor file: {options['anchor']}")
            anchor = anchors.newest_anchor(options["anchor"])
            if anchor is None:
                raise CommandError(f"no anchor in {options['anchor']}")
        checked, problems = verify(anchor)
        for problem in problems:
            self.stderr.write(f"broken: {problem}")
        if problems:
            raise CommandError(f"{len(problems)} problem(s) in {checked} links")
        newest = anchor or anchors.newest_anchor()
        if newest is None:
            # Without an anchor a rewound head goes unseen: say so, and where to look.
            self.stderr.write(
                f"warning: no anchor in {anchors.anchor_file()}; the newest links were not checked against one "
                "(check with --anchor and a line e-mailed to the supervisors)"
            )
        against = f", against the anchor of {newest['at']}" if newest else ""
        self.stdout.write(f"audit trail intact: {checked} links checked{against}")
