"""Reviewers approving at once (issue 11, item 8): 16 threads, each its own database
connection, approve submitted reports of the open period as each unit's liaison, through
the real service, for a fixed time — with the audit chain (every event a link, under its
chain head's row lock until commit) and without it (the chain's signal disconnected).

``transitions_per_second_16`` is with the chain, as Mingze runs;
``transitions_per_second_16_without_chain`` the same work unchained; ``audit_chain_cost``
the share of throughput the chain takes. Phases alternate (with, without, with, without)
so a machine growing busier weighs on both alike."""

from __future__ import annotations

import queue as queues
import threading
import time

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


@measurement(order=80)
def transitions(context) -> dict:
    from accounts.models import User
    from assessments.models import Report
    from audit import chain

    seconds = float(context.options.get("transition_seconds", SECONDS))
    rows = list(
        Report.objects.filter(period=context.period, state=Report.State.SUBMITTED, unit__liaison__isnull=False)
        .order_by("?")
        .values_list("pk", "unit__liaison_id")
    )
    people = User.objects.in_bulk({liaison for _pk, liaison in rows})
    work: queues.Queue = queues.Queue()
    for pk, liaison in rows:
        work.put((pk, people[liaison]))
    rates: dict[str, list[float]] = {"with": [], "without": []}
    for kind in ("with", "without", "with", "without"):
        if kind == "without":
            chain.disconnect_registered()
        try:
            rates[kind].append(_phase(work, seconds))
        finally:
            chain.connect_registered()
    with_chain = sum(rates["with"]) / len(rates["with"])
    without = sum(rates["without"]) / len(rates["without"])
    return {
        f"transitions_per_second_{REVIEWERS}": round(with_chain, 1),
        f"transitions_per_second_{REVIEWERS}_without_chain": round(without, 1),
        "audit_chain_cost": f"{1 - with_chain / without:.0%}" if without else "n/a",
        "transitions_left_unreviewed": work.qsize(),
    }
