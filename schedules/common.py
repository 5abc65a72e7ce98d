"""Small pieces the jobs share: the result they print, and links that may not exist yet."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

# Called after each batch with (done, total): progress for a JobRun, and the crash tests.
AfterBatch = Callable[[int, int], None]


# What a job counts, by key; shown in the reader's language (run_schedule prints English).
COUNTS = {
    "periods opened": _("periods opened"),
    "reports created": _("reports created"),
    "reports locked": _("reports locked"),
    "periods closed": _("periods closed"),
    "people told": _("people told"),
    "items named": _("items named"),
    "digests": _("digests"),
}


@dataclass
class JobResult:
    """What a job did, as lines a person can read: run_schedule prints them, and a JobRun
    keeps them for the periods page. Lines are kept as (message, values) so they are
    written in whichever language is active when the result is shown."""

    job: str
    lines: list[tuple[str, dict]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, key: str, n: int = 1) -> None:
        self.counts[key] = self.counts.get(key, 0) + n

    def say(self, message: str, **values) -> None:
        self.lines.append((message, values))

    def summary(self) -> str:
        """The counts and lines without the job's code name (the page shows its title)."""
        counts = ", ".join(f"{COUNTS.get(k, k)} {v}" for k, v in self.counts.items()) or str(_("nothing to do"))
        return "\n".join([counts, *(str(m) % v for m, v in self.lines)])

    def __str__(self) -> str:
        counts, *lines = self.summary().split("\n")
        return "\n".join([f"{self.job}: {counts}", *(f"  {line}" for line in lines)])


def first_url(*names: str, args=None) -> str:
    """The first of ``names`` that resolves: pages built by others join when they exist."""
    for name in names:
        try:
            return reverse(name, args=args)
        except NoReverseMatch:
            continue
    return "/"
