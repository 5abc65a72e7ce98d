"""Calls run at the same moment on real PostgreSQL, each in its own thread and database
connection (the concurrency tests: row locks, deadlocks, counts kept by triggers)."""

import threading
import time

from django.db import connection


def run_together(*calls, timeout: float = 30, barrier: bool = True) -> list:
    """Each call in its own thread and connection, released together by a barrier (or
    as they start, when ``barrier`` is off and the calls order themselves); the outcome
    of each: what it returned, or the exception it raised. A call still running after
    ``timeout`` seconds (a lock never let go) fails the test."""
    gate = threading.Barrier(len(calls)) if barrier else None
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            if gate is not None:
                gate.wait(timeout=timeout)
            outcomes[index] = call()
        except Exception as error:  # noqa: BLE001 — the outcome is what the test checks
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n, call)) for n, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert not any(thread.is_alive() for thread in threads), "a call is still waiting: a lock never let go"
    return outcomes


def backend_pid() -> int:
    """The server process of this thread's database connection."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def wait_until_blocked(pid: int, *, done=lambda: False, timeout: float = 60) -> bool:
    """From this thread's connection, which holds a lock: wait until the server process
    ``pid`` waits for a lock held by this connection (True), or until ``done()`` says the
    other went on without waiting (False). Instead of a fixed sleep meant to let the other
    reach the lock: on a loaded machine a thread may start seconds late."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while True:
            cursor.execute("SELECT pg_backend_pid() = ANY(pg_blocking_pids(%s))", [pid])
            if cursor.fetchone()[0]:
                return True
            if done():
                return False
            assert time.monotonic() < deadline, f"the other connection ({pid}) never waited for this one's lock"
            time.sleep(0.02)
