"""Small pieces the jobs share: the result they print, and links that may not exist yet."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse

# Called after each batch with (done, total): progress for a JobRun, and the crash tests.
AfterBatch = Callable[[int, int], None]


@dataclass
class JobResult:
    """What a job did, as lines a person can read (run_schedule prints them)."""

    job: str
    lines: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, key: str, n: int = 1) -> None:
        self.counts[key] = self.counts.get(key, 0) + n

    def say(self, line: str) -> None:
        self.lines.append(line)

    def __str__(self) -> str:
        head = f"{self.job}: " + (", ".join(f"{k} {v}" for k, v in self.counts.items()) or "nothing to do")
        return "\n".join([head, *(f"  {line}" for line in self.lines)])


def first_url(*names: str, args=None) -> str:
    """The first of ``names`` that resolves: pages built by others join when they exist."""
    for name in names:
        try:
            return reverse(name, args=args)
        except NoReverseMatch:
            continue
    return "/"
