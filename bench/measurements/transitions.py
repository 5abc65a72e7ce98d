"""Reviewers approving at once (issue 11, item 8): 16 threads, each its own database
connection, approve submitted reports of the open period as each unit's liaison, through
the real service, for a fixed time — with the audit chain (every event a link, under its
chain head's row lock until commit) and without it (the chain's signal disconnected).

``transitions_per_second_16`` is with the chain, as Mingze runs (one chain per top-level
unit subtree); ``transitions_per_second_16_without_chain`` the same work unchained;
``audit_chain_cost`` the share of throughput the chain takes; and
``transitions_per_second_16_one_chain`` with a single chain for the whole organization, as
before the chain was sharded (``one_chain_cost``: what one head lock for the province
would cost). Phases alternate (with, one chain, without, and again) so a machine growing
busier weighs on all alike."""

from __future__ import annotations

import queue as queues
import threading
import time
from contextlib import contextmanager

from bench.registry import measurement

REVIEWERS = 16
SECONDS = 6.0


def _phase(work: queues.Queue, seconds: float) -> int:
    from django.db import connection

    from assessments.services import approve_report
    from core.errors import TransitionError

    done = [0] * REVIEWERS
    start = threading.Barrier(REVIEWERS + 1)
    deadline = [0.0]

    def reviewer(index: int) -> None:
        try:
            start.wait()
            while time.perf_counter() < deadline[0]:
                try:
                    report_id, actor = work.get_nowait()
                except queues.Empty:
                    return
                try:
                    approve_report(report_id=report_id, actor=actor, grade="good")
                    done[index] += 1
                except TransitionError:
                    pass
        finally:
            connection.close()

    threads = [threading.Thread(target=reviewer, args=(i,)) for i in range(REVIEWERS)]
    for thread in threads:
        thread.start()
    deadline[0] = time.perf_counter() + seconds
    began = time.perf_counter()
    start.wait()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    return sum(done) / elapsed


@contextmanager
def _mode(kind: str):
    from audit import chain

    if kind == "without":
        chain.disconnect_registered()
    original = chain.chain_of_path
    if kind == "one_chain":  # every link under the root's head, as before the shard
        chain.chain_of_path = lambda path: path[:4] or "-"
    try:
        yield
    finally:
        chain.chain_of_path = original
        chain.connect_registered()


def _cost(rate: float, base: float) -> str:
    return f"{1 - rate / base:.0%}" if base else "n/a"


@measurement(order=80)
def transitions(context) -> dict:
    from accounts.models import User
    from assessments.models import Report

    seconds = float(context.options.get("transition_seconds", SECONDS))
    rows = list(
        # Each report is approved by who holds its unit's liaison post now (the open Liaison row).
        Report.objects.filter(
            period=context.period,
            state=Report.State.SUBMITTED,
            unit__liaisons__ended__isnull=True,
            unit__liaisons__post__holder__isnull=False,
        )
        .order_by("?")
        .values_list("pk", "unit__liaisons__post__holder_id")
    )
    people = User.objects.in_bulk({liaison for _pk, liaison in rows})
    work: queues.Queue = queues.Queue()
    for pk, liaison in rows:
        work.put((pk, people[liaison]))
    kinds = ("with", "one_chain", "without")
    rates: dict[str, list[float]] = {kind: [] for kind in kinds}
    for kind in kinds + kinds:
        with _mode(kind):
            rates[kind].append(_phase(work, seconds))
    mean = {kind: sum(values) / len(values) for kind, values in rates.items()}
    return {
        f"transitions_per_second_{REVIEWERS}": round(mean["with"], 1),
        f"transitions_per_second_{REVIEWERS}_without_chain": round(mean["without"], 1),
        "audit_chain_cost": _cost(mean["with"], mean["without"]),
        f"transitions_per_second_{REVIEWERS}_one_chain": round(mean["one_chain"], 1),
        "one_chain_cost": _cost(mean["one_chain"], mean["without"]),
        "transitions_left_unreviewed": work.qsize(),
    }
