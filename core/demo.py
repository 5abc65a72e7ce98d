"""The demo data, made by each app for itself: ``load_demo`` runs the registered steps.

Each app that has something to show registers one step from its ``AppConfig.ready()``
with the place it takes in the order: the organization and its people first (10), then
what builds on them — an appraisal round (20), rectifications and notices (30), the
previous half-year closed with its scores (40), this half-year's reports (50). A step
makes its data idempotently (a second run changes nothing) and says what it did.
The kernel knows no app: apps below never reach up into the apps above them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field


@dataclass
class DemoOutcome:
    """What a step did: a line for the command's output (empty: nothing to say) and the
    demo accounts it made (objects with ``username``, ``full_name`` and ``note``)."""

    summary: str = ""
    people: list = field(default_factory=list)


@dataclass(frozen=True)
class DemoStep:
    order: int
    name: str
    run: Callable[..., DemoOutcome | None]


STEPS: dict[str, DemoStep] = {}


def register(name: str, run: Callable[..., DemoOutcome | None], *, order: int) -> None:
    """Add the step ``name`` (called as ``run(year=…)``); registering a name again replaces
    it, so an app's ready() may run twice."""
    taken = {step.order: step.name for step in STEPS.values() if step.name != name}
    if order in taken:
        raise ValueError(f"demo step {name!r}: order {order} is already {taken[order]!r}'s")
    STEPS[name] = DemoStep(order=order, name=name, run=run)


def steps() -> list[DemoStep]:
    return sorted(STEPS.values(), key=lambda step: step.order)


def run(*, year: int, only: Iterable[str] | None = None) -> list[DemoOutcome]:
    """Run the steps in order (``only``: those named) and return what each did."""
    wanted = set(only) if only is not None else None
    outcomes = []
    for step in steps():
        if wanted is None or step.name in wanted:
            outcomes.append(step.run(year=year) or DemoOutcome())
    return outcomes
