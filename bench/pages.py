"""Requests per second under gunicorn: each hot page against a trivial Django view, in the
same run on the same machine (DESIGN.md, "Targets": each page ≥ 20 % of the trivial view's
rate, goal 40 %).

gunicorn runs the application on the bench's settings and database with sync workers
sized for the machine — ``(2 × cores) + 1``, gunicorn's own rule (``BENCH_WEB_WORKERS``
changes it). The load comes from ``clients`` processes on the same machine, each a closed
loop (one request, wait for the whole answer, the next) over plain sockets for a fixed time
(``BENCH_CLIENTS``, default workers + 2, so no worker waits for a client). A request is
counted only when it is answered 200: a lost session would redirect to the sign-in page
and count as a failure, never as a fast page. The trivial view is measured first and last
and its rate is their mean; both are printed, so drift on a busy machine shows.

Sessions are real: each person is signed in with ``Client.force_login``, which stores a
session row like a sign-in does, and gunicorn gets that session's cookie.
"""

from __future__ import annotations

import multiprocessing
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from bench.mailsink import free_port

ROOT = Path(__file__).resolve().parent.parent
TRIVIAL = "/bench/trivial/"


def web_workers() -> int:
    return int(os.environ.get("BENCH_WEB_WORKERS") or 2 * (os.cpu_count() or 1) + 1)


def clients_for(workers: int) -> int:
    return int(os.environ.get("BENCH_CLIENTS") or workers + 2)


def database_url() -> str:
    """The database Django is using now, as a URL for the processes the bench starts."""
    from django.db import connection

    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def child_env() -> dict:
    """The processes the bench starts use its settings on the same database, and the same
    secret key: sessions made here must hold there."""
    from django.conf import settings

    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "BENCH_DATABASE_URL": database_url(),
        "BENCH_SECRET_KEY": settings.SECRET_KEY,
        "BENCH_MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }


def session_cookie(user) -> str:
    """A real signed-in session of ``user`` (a session row), as a Cookie header value."""
    from django.conf import settings
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


@contextmanager
def gunicorn(workers: int):
    """gunicorn on a free port with the bench's settings; yields the port."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--workers", str(workers),
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "--timeout", "60"],
        env=child_env(), cwd=ROOT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}{TRIVIAL}", timeout=2).read()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("bench: gunicorn did not start") from None
                time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


def _request(path: str, cookie: str) -> bytes:
    lines = [f"GET {path} HTTP/1.0", "Host: 127.0.0.1", "Accept-Language: zh-CN,zh;q=0.9"]
    if cookie:
        lines.append(f"Cookie: {cookie}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def fetch(port: int, request: bytes) -> tuple[int, bytes]:
    """One request on a fresh connection, read to the end: (status, body)."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(request)
        chunks = []
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            chunks.append(chunk)
    answer = b"".join(chunks)
    head, _sep, body = answer.partition(b"\r\n\r\n")
    try:
        return int(head.split(b" ", 2)[1]), body
    except (IndexError, ValueError):
        return 0, body


def _client(args) -> tuple[int, int, list[float]]:
    """One closed-loop client from ``start`` to ``end`` (wall clock): (answered 200, other
    answers or errors, latencies in ms)."""
    port, request, start, end = args
    time.sleep(max(0.0, start - time.time()))
    ok = failed = 0
    latencies = []
    while time.time() < end:
        began = time.perf_counter()
        try:
            status, _body = fetch(port, request)
        except OSError:
            status = 0
        latencies.append((time.perf_counter() - began) * 1000)
        if status == 200:
            ok += 1
        else:
            failed += 1
    return ok, failed, latencies


def requests_per_second(port: int, path: str, cookie: str = "", *, seconds: float, clients: int) -> dict:
    """Closed-loop load from ``clients`` processes for ``seconds``: answers 200 per second,
    answers that were anything else, and the median latency under that load."""
    request = _request(path, cookie)
    start = time.time() + 0.3  # every client process starts at once
    with multiprocessing.get_context("fork").Pool(clients) as pool:
        results = pool.map(_client, [(port, request, start, start + seconds)] * clients)
    latencies = [ms for _ok, _failed, values in results for ms in values]
    return {
        "rps": sum(ok for ok, _f, _l in results) / seconds,
        "not_200": sum(failed for _o, failed, _l in results),
        "p50_ms": statistics.median(latencies) if latencies else 0.0,
    }


def measure_rates(
    targets: dict[str, tuple[str, str]], *, seconds: float, out, warmup: float = 1.0, workers: int | None = None
) -> dict[str, float]:
    """``targets``: name → (path, cookie). Prints ``rps_<name>`` (and the latency under
    load) for each, the trivial view first and last, and each page's ratio to it."""
    workers = workers or web_workers()
    clients = clients_for(workers)
    out(f"rps_gunicorn_workers: {workers}")
    out(f"rps_clients: {clients}")
    out(f"rps_seconds_per_page: {seconds:g}")
    out(f"rps_load_average_before: {os.getloadavg()[0]:.2f}")
    rates = {}
    with gunicorn(workers) as port:
        for name, (path, cookie) in targets.items():
            status, body = fetch(port, _request(path, cookie))
            if status != 200:
                raise RuntimeError(f"bench: {name} ({path}) answered {status} under gunicorn: {body[:200]!r}")
        order = ["trivial", *(name for name in targets if name != "trivial"), "trivial"]
        trivial = []
        for name in order:
            path, cookie = targets[name]
            requests_per_second(port, path, cookie, seconds=warmup, clients=clients)  # warm every worker
            figures = requests_per_second(port, path, cookie, seconds=seconds, clients=clients)
            if name == "trivial":
                trivial.append(figures["rps"])
                out(f"rps_trivial_{'first' if len(trivial) == 1 else 'last'}: {figures['rps']:.0f}")
            else:
                rates[name] = figures["rps"]
                out(f"rps_{name}: {figures['rps']:.0f}")
                out(f"rps_{name}_p50_ms_under_load: {figures['p50_ms']:.1f}")
            if figures["not_200"]:
                out(f"rps_{name}_not_200: {figures['not_200']}")
    rates["trivial"] = sum(trivial) / len(trivial)
    out(f"rps_trivial: {rates['trivial']:.0f}")
    for name in targets:
        if name != "trivial":
            out(f"rps_ratio_{name}_to_trivial: {rates[name] / rates['trivial']:.3f}")
    out(f"rps_load_average_after: {os.getloadavg()[0]:.2f}")
    return rates
