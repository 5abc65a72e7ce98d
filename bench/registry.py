"""The measurements that `make bench` runs: a module in bench/measurements/ registers each
with ``@measurement(order=…)``; it gets the ``Context`` and returns ``{name: value}``."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class Context:
    seed: int
    data: object  # bench.data.Generated: what was made, with its ids
    rng: random.Random = field(init=False)

    def __post_init__(self):
        self.rng = random.Random(self.seed)


@dataclass
class Measurement:
    name: str
    order: int
    run: Callable[[Context], dict[str, float | int | str]]


MEASUREMENTS: list[Measurement] = []


def measurement(*, order: int = 100):
    """Register a function ``(context) -> {name: value}``; lower ``order`` runs first."""

    def register(func):
        MEASUREMENTS.append(Measurement(name=func.__module__.rsplit(".", 1)[-1], order=order, run=func))
        return func

    return register


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
