"""`make load`: python -m load [--users 50] [--time 5m] — on loopback, against gunicorn
(2 workers) with a Celery worker, on PostgreSQL (<DATABASE_URL's name>_load, made anew)
and Redis (CELERY_BROKER_URL). Runs the locust scenario in load/locustfile.py headless,
stops by itself, and prints `name: value` lines: requests, failures, p50/p95 per page."""

import argparse
import csv
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench.database import recreate

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_http(url: str, timeout: float = 60) -> None:
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.5)
    sys.exit(f"{url} did not answer")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m load", description=__doc__)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--time", default="5m", help="locust's --run-time (e.g. 60s, 5m)")
    parser.add_argument("--spawn-rate", type=float, default=5)
    parser.add_argument("--branches", type=int, default=30)
    args = parser.parse_args(argv)

    source = os.environ.get("DATABASE_URL", "")
    parts = urlsplit(source)
    if parts.scheme not in ("postgres", "postgresql"):
        sys.exit("make load needs PostgreSQL: set DATABASE_URL=postgres://user@host:5432/name")
    broker = os.environ.get("CELERY_BROKER_URL", "")
    if not broker.startswith("redis"):
        sys.exit("make load needs Redis: set CELERY_BROKER_URL=redis://127.0.0.1:6379/N")
    name = f"{parts.path.lstrip('/') or 'mingze'}_load"
    url = urlunsplit(parts._replace(path=f"/{name}"))
    recreate(url, name)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "LOAD_BRANCHES": str(args.branches),
        "EMAIL_URL": "dummymail://",
        "LOG_LEVEL": "WARNING",
        # Fifty people sign in from one address: the lockout counts failures only, but keep
        # the web's own throttling out of the way of the measurement.
        "AXES_FAILURE_LIMIT": "1000",
    }
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "load.prepare"], cwd=ROOT, env={**env, "DJANGO_DEBUG": "true"}, check=True)
    print(f"load_database: {name}")
    print(f"prepare_seconds: {time.monotonic() - started:.1f}")
    sys.stdout.flush()

    served = {**env, "DJANGO_DEBUG": "false"}  # the dev secret key, over plain http
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    web = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "-b", f"127.0.0.1:{port}", "-w", "2", "--timeout", "60"],
        cwd=ROOT,
        env=served,
    )
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "-c", "1", "-l", "WARNING", "--without-gossip"],
        cwd=ROOT,
        env=served,
    )
    try:
        wait_http(base + "/login/")
        with tempfile.TemporaryDirectory() as folder:
            stats = os.path.join(folder, "load")
            locust = [sys.executable, "-m", "locust", "-f", str(ROOT / "load" / "locustfile.py"), "--headless"]
            locust += ["-u", str(args.users), "-r", str(args.spawn_rate), "--run-time", args.time, "--host", base]
            locust += ["--csv", stats, "--only-summary", "--loglevel", "WARNING", "--stop-timeout", "10"]
            subprocess.run(locust, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
            report(stats + "_stats.csv", users=args.users, duration=args.time)
    finally:
        for proc in (web, worker):
            proc.terminate()
        for proc in (web, worker):
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
    return 0


def slug(name: str) -> str:
    return "".join(c if c.isascii() and c.isalnum() else "_" for c in name).strip("_").lower()


def report(path: str, *, users: int, duration: str) -> None:
    with open(path, newline="") as stats:
        rows = list(csv.DictReader(stats))
    print(f"users: {users}")
    print(f"duration: {duration}")
    for row in rows:
        key = "total" if row["Name"] == "Aggregated" else slug(row["Name"])
        if key == "total":
            print(f"requests: {row['Request Count']}")
            print(f"failures: {row['Failure Count']}")
            print(f"requests_per_second: {float(row['Requests/s']):.1f}")
        print(f"{key}_requests: {row['Request Count']}")
        print(f"{key}_p50_ms: {row['50%']}")
        print(f"{key}_p95_ms: {row['95%']}")
    sys.stdout.flush()


if __name__ == "__main__":
    sys.exit(main())
