"""The measurements that `make bench` runs: a module in bench/measurements/ registers each
with ``@measurement(order=…)``; it gets the ``Context`` and returns ``{name: value}``.

A step marked ``makes_data=True`` adds data that later steps read (the history of ten
periods): it runs even when ``--only`` leaves it out.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class Context:
    seed: int
    data: object  # bench.data.Generated: what was made, with its ids
    options: dict = field(default_factory=dict)  # the command line's (rps seconds, runs …)
    period: object = None  # the open period (bench/measurements/period_open.py)
    cast: object = None  # bench.history.Cast: who the pages are measured as
    out: Callable[[str], None] = print  # for lines printed as a long step goes (run_all sets it)


@dataclass
class Measurement:
    name: str
    order: int
    run: Callable[[Context], dict[str, float | int | str]]
    makes_data: bool = False


MEASUREMENTS: list[Measurement] = []


def measurement(*, order: int = 100, makes_data: bool = False):
    """Register a function ``(context) -> {name: value}``; lower ``order`` runs first."""

    def register(func):
        name = func.__module__.rsplit(".", 1)[-1]
        MEASUREMENTS.append(Measurement(name=name, order=order, run=func, makes_data=makes_data))
        return func

    return register


def collector() -> tuple[dict, Callable[[str], None]]:
    """``(figures, out)``: ``out("name: value")`` puts a printed line into ``figures``, for
    measurements written as functions that print."""
    figures: dict = {}

    def out(line: str) -> None:
        name, _sep, value = line.partition(": ")
        figures[name] = value

    return figures, out


def run_all(context: Context, *, only: list[str] | None = None, out=print) -> None:
    """Run every registered measurement in order (those ``only`` names, and every step that
    makes data), printing its figures and the seconds it took."""
    from bench.measurements import load_all

    load_all()
    context.out = out
    for item in sorted(MEASUREMENTS, key=lambda m: (m.order, m.name)):
        if only and item.name not in only and not item.makes_data:
            continue
        with stopwatch() as elapsed:
            figures = item.run(context)
        for key, value in figures.items():
            out(f"{key}: {value}")
        out(f"step_{item.name}_seconds: {elapsed():.1f}")
        sys.stdout.flush()


@contextmanager
def stopwatch():
    """``with stopwatch() as elapsed: …`` then ``elapsed()`` is the seconds it took."""
    start = time.perf_counter()
    end = None

    def elapsed() -> float:
        return (end if end is not None else time.perf_counter()) - start

    try:
        yield elapsed
    finally:
        end = time.perf_counter()
