"""`make load`: python -m load [--profile deadline|mixed] [--users N] [--time 10m] [--units 2000]
`make rehearsal`: python -m load --rehearsal (the 1/100 national rehearsal, below)

On loopback, with the load generator on the same machine: gunicorn sized for the machine
(sync workers, (2 × cores) + 1), a Celery worker, PostgreSQL (<DATABASE_URL's name>_load,
made anew with the bench's organization and history: load/prepare.py), Redis
(CELERY_BROKER_URL) and a local SMTP server that counts what it receives
(bench/mailsink.py). Runs the profile's locust scenario (load/locustfile.py) headless for
the given time, waits for the worker to finish what the run asked of it, and prints
`name: value` lines: per page the requests, p50 and p95, the errors and the refusals apart,
the totals, and whether every e-mail and export the run triggered was delivered.

The rehearsal (issue 16, docs/scale.md) is one province-sized slice of a national
deployment at 1/100: 50,000 units and their 1,500,000 reports of one half-year, the
deadline profile's request mix for a minute against two web processes (each person's
requests alternate between them), a Celery worker per queue, and a private PostgreSQL
primary with a streaming replica (pg_basebackup) serving the heavy reads
(DATABASE_REPLICA_URL), all on this machine.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from bench.database import bench_url
from bench.mailsink import MailSink, free_port

ROOT = Path(__file__).resolve().parent.parent
QUEUES = ["default", "mail", "exports"]  # config/settings/base.py, CELERY_TASK_QUEUES
PROFILES = {
    "deadline": {"classes": ["DeadlineSecretary", "DeadlineLeader", "DeadlineAdmin"], "users": 200, "time": "10m"},
    "mixed": {"classes": ["Secretary", "Leader", "Overseer"], "users": 50, "time": "5m"},
}


def wait_http(url: str, timeout: float = 90) -> None:
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.5)
    sys.exit(f"{url} did not answer")


def stop(*processes) -> None:
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m load", description=__doc__)
    parser.add_argument("--profile", choices=sorted(PROFILES), default="deadline")
    parser.add_argument("--users", type=int, help="simulated people (deadline: 200, mixed: 50)")
    parser.add_argument("--time", help="locust's --run-time, e.g. 60s, 10m (deadline: 10m, mixed: 5m)")
    parser.add_argument("--spawn-rate", type=float, default=5, help="people arriving per second")
    parser.add_argument("--units", type=int, default=2000, help="units of the organization (bench/data.py)")
    parser.add_argument("--wait", default="1-3", help="think time between a person's requests, seconds")
    parser.add_argument("--write", default="30-90", help="deadline: a secretary writing a report before saving it, s")
    parser.add_argument("--read", default="10-30", help="deadline: a reviewer reading a report before judging it, s")
    parser.add_argument("--web-workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--worker-concurrency", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--worker-per-queue", action="store_true", help="a Celery worker per queue (production)")
    parser.add_argument("--web-processes", type=int, default=1, help="gunicorn processes, each on its own port")
    parser.add_argument("--closed-periods", type=int, default=9, help="closed half-years of history")
    parser.add_argument(
        "--replica", action="store_true", help="a private PostgreSQL primary and streaming replica for the run"
    )
    parser.add_argument(
        "--rehearsal",
        action="store_true",
        help="the 1/100 rehearsal: 50,000 units, one half-year, 1 minute, 2 web processes, a worker "
        "per queue, primary and replica (each can still be set by the options above)",
    )
    args = parser.parse_args(argv)
    if args.rehearsal:
        given = set(argv if argv is not None else sys.argv[1:])
        if "--units" not in given:
            args.units = 50_000
        if "--time" not in given:
            args.time = "1m"
        if "--closed-periods" not in given:
            args.closed_periods = 0
        if "--web-processes" not in given:
            args.web_processes = 2
        if "--web-workers" not in given:  # the machine's cores shared by the two processes
            args.web_workers = (os.cpu_count() or 1) + 1
        args.worker_per_queue = args.replica = True
    with database_servers(args.replica) as (primary_url, replica_of):
        return run(args, primary_url, replica_of)


@contextlib.contextmanager
def database_servers(private: bool):
    """(DATABASE_URL, replica URL maker): the machine's server as configured, or
    (``private``) a PostgreSQL primary of the run's own with a streaming replica of it,
    made after the data is loaded (so the base backup carries it) by calling the maker."""
    if not private:
        yield os.environ.get("DATABASE_URL", ""), None
        return
    from bench.engines import PostgresServer, StandbyServer, wait_replayed

    with tempfile.TemporaryDirectory(prefix="mingze-rehearsal-db-") as folder:
        os.chmod(folder, 0o755)
        # Room for the data: the machine has memory to spare.
        options = "-c shared_buffers=2GB -c max_connections=200 -c max_wal_size=8GB"
        primary = PostgresServer(os.path.join(folder, "primary"), options=options)
        os.makedirs(primary.folder)
        primary.init()
        primary.start()
        started = []

        def replica_of(url: str) -> str:
            replica = StandbyServer(os.path.join(folder, "replica"), primary, options=options)
            os.makedirs(replica.folder)
            made = time.monotonic()
            replica.init(timeout=1800)
            replica.start()
            started.append(replica)
            wait_replayed(primary, replica, timeout=600)
            print(f"replica_seconds: {time.monotonic() - made:.1f}")
            return url.replace(f":{primary.port}/", f":{replica.port}/")

        try:
            yield f"postgres://postgres@127.0.0.1:{primary.port}/mingze", replica_of
        finally:
            for server in (*started, primary):
                with contextlib.suppress(subprocess.CalledProcessError):
                    server.stop()


def run(args, primary_url: str, replica_of) -> int:
    profile = PROFILES[args.profile]
    users = args.users or profile["users"]
    duration = args.time or profile["time"]

    broker = os.environ.get("CELERY_BROKER_URL", "")
    if not broker.startswith("redis"):
        sys.exit("make load needs Redis: set CELERY_BROKER_URL=redis://127.0.0.1:6379/N")
    url, name = bench_url(primary_url, "load")
    folder = tempfile.TemporaryDirectory(prefix="mingze-load-")
    work = Path(folder.name)
    print(f"load_average_at_start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"profile: {args.profile}")
    print(f"think_seconds: {args.wait}")
    if args.profile == "deadline":
        print(f"write_seconds: {args.write}")
        print(f"read_seconds: {args.read}")
    env = {
        **os.environ,
        "LOAD_UNITS": str(args.units),
        "LOAD_MARKS": str(work / "marks.json"),
        "LOAD_OUTCOMES": str(work / "outcomes.json"),
        "LOAD_USERS": str(users),
        "LOAD_WAIT": args.wait,
        "LOAD_WRITE": args.write,
        "LOAD_READ": args.read,
        "LOAD_CLOSED_PERIODS": str(args.closed_periods),
        "DATABASE_URL": primary_url,
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "load.prepare"], cwd=ROOT, env=env, check=True)
    print(f"load_database: {name}")
    print(f"prepare_seconds: {time.monotonic() - started:.1f}")
    sys.stdout.flush()
    replica = replica_of(url) if replica_of is not None else ""

    with MailSink() as sink:
        served = {
            **env,
            "DJANGO_SETTINGS_MODULE": "config.settings.local",
            "DJANGO_DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(40),
            "DATABASE_URL": url,
            **({"DATABASE_REPLICA_URL": replica} if replica else {}),
            "EMAIL_URL": sink.url(),
            "MEDIA_ROOT": str(work / "media"),
        }
        # Whatever an earlier run left in this Redis database is not this run's work.
        subprocess.run(
            [sys.executable, "-m", "celery", "-A", "config", "purge", "-f", "-Q", ",".join(QUEUES)],
            cwd=ROOT, env=served, stdout=subprocess.DEVNULL, check=True,
        )  # fmt: skip
        bases = [f"http://127.0.0.1:{free_port()}" for _ in range(args.web_processes)]
        base = bases[0]
        webs = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "config.wsgi",
                    "-b",
                    address.removeprefix("http://"),
                    "-w",
                    str(args.web_workers),
                    "--timeout",
                    "60",
                    "--log-level",
                    "warning",
                ],
                cwd=ROOT,
                env=served,
            )  # fmt: skip
            for address in bases
        ]
        # One worker on every queue, or (--worker-per-queue) one per queue as in production.
        groups = [[queue] for queue in QUEUES] if args.worker_per_queue else [QUEUES]
        workers = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "config",
                    "--quiet",
                    "worker",
                    "-Q",
                    ",".join(queues),
                    "--hostname",
                    f"{'-'.join(queues)}@%h",
                    "-c",
                    str(args.worker_concurrency),
                    "-l",
                    "WARNING",
                    "--without-gossip",
                    "--without-mingle",
                ],
                cwd=ROOT,
                env=served,
            )  # fmt: skip
            for queues in groups
        ]
        try:
            for address in bases:
                wait_http(address + "/login/")
            print(f"web_processes: {len(webs)}")
            print(f"gunicorn_workers: {args.web_workers}")
            print(f"replica: {'yes' if replica else 'no'}")
            print(f"celery_workers: {len(workers)} ({' | '.join(','.join(q) for q in groups)})")
            print(f"celery_worker_concurrency: {args.worker_concurrency}")
            sys.stdout.flush()
            stats = work / "load"
            locust = [sys.executable, "-m", "locust", "-f", str(ROOT / "load" / "locustfile.py"), "--headless"]
            locust += ["-u", str(users), "-r", str(args.spawn_rate), "--run-time", duration, "--host", base]
            locust += ["--csv", str(stats), "--only-summary", "--loglevel", "WARNING", "--stop-timeout", "30"]
            ran = time.monotonic()
            log = work / "locust.log"
            with log.open("w") as handle:  # its own summary repeats what is printed below
                ran_locust = subprocess.run(
                    locust + profile["classes"],
                    cwd=ROOT,
                    env={**env, "LOAD_HOSTS": " ".join(bases) if len(bases) > 1 else ""},
                    stdout=subprocess.DEVNULL,
                    stderr=handle,
                )
            if ran_locust.returncode not in (0, 1) or not Path(f"{stats}_stats.csv").exists():
                sys.exit(f"locust failed ({ran_locust.returncode}):\n{log.read_text()[-3000:]}")
            print(f"run_seconds: {time.monotonic() - ran:.0f}")
            print(f"load_average_after_run: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
            verified = subprocess.run(
                [sys.executable, "-m", "load.verify"], cwd=ROOT, env=served, capture_output=True, text=True, check=True
            )
            delivered = json.loads(verified.stdout)
            sink.wait_for(len(delivered["emails_expected"]), timeout=10)
            received = [address for recipients in sink.messages() for address in recipients]
        finally:
            stop(*webs, *workers)
        report(str(stats) + "_stats.csv", work / "outcomes.json", delivered, received, users=users, duration=duration)
    folder.cleanup()
    return 0


def slug(name: str) -> str:
    return "_".join("".join(c if c.isascii() and c.isalnum() else " " for c in name).split()).lower()


def report(stats_path: str, outcomes_path: Path, delivered: dict, received: list[str], *, users, duration) -> None:
    with open(stats_path, newline="") as stats:
        rows = list(csv.DictReader(stats))
    outcomes = json.loads(outcomes_path.read_text()) if outcomes_path.exists() else {}
    refusals = outcomes.get("refusals", {})
    errors = outcomes.get("errors", {})
    print(f"users: {users}")
    print(f"duration: {duration}")
    for row in rows:
        if row["Name"] == "Aggregated":
            continue
        key = slug(row["Name"])
        print(f"{key}_requests: {row['Request Count']}")
        print(f"{key}_p50_ms: {row['50%']}")
        print(f"{key}_p95_ms: {row['95%']}")
        if int(row["Failure Count"]):
            print(f"{key}_errors: {row['Failure Count']}")
        if refusals.get(row["Name"]):
            print(f"{key}_refusals: {refusals[row['Name']]}")
    total = next((row for row in rows if row["Name"] == "Aggregated"), None)
    if total is not None:
        print(f"requests: {total['Request Count']}")
        print(f"requests_per_second: {float(total['Requests/s']):.1f}")
        print(f"p50_ms: {total['50%']}")
        print(f"p95_ms: {total['95%']}")
        print(f"errors: {total['Failure Count']}")
    print(f"refusals: {sum(refusals.values())}")
    for message, count in Counter(outcomes.get("refusal_messages", {})).most_common(5):
        print(f"refusal_message: {count} × {message}")
    for what, count in Counter(errors).most_common(10):
        print(f"error_kind: {count} × {what}")
    print(f"uploaded_mb: {outcomes.get('uploaded_bytes', 0) / 2**20:.0f}")
    for key in ("reports_submitted", "reports_approved", "reports_returned", "evidence_uploaded"):
        print(f"{key}: {delivered[key]}")
    expected = Counter(delivered["emails_expected"])
    got = Counter(received)
    missing = sum((expected - got).values())
    print(f"notifications: {delivered['notifications']}")
    print(f"emails_expected: {sum(expected.values())}")
    print(f"emails_delivered: {sum(got.values())}")
    print(f"emails_missing: {missing}")
    print(f"emails_unexpected: {sum((got - expected).values())}")
    print(f"emails_not_sent_by_worker: {delivered['notifications_not_emailed']}")
    print(f"exports_requested: {delivered['exports_requested']}")
    print(f"exports_done: {delivered['exports_done']}")
    print(f"exports_failed: {delivered['exports_failed']}")
    print(f"exports_unfinished: {delivered['exports_unfinished']}")
    all_mail = missing == 0 and not delivered["notifications_not_emailed"]
    all_exports = delivered["exports_done"] == delivered["exports_requested"]
    print(f"emails_all_delivered: {'yes' if all_mail else 'no'}")
    print(f"exports_all_delivered: {'yes' if all_exports else 'no'}")
    print(f"drain_seconds: {delivered['drain_seconds']}")
    print(f"load_average_at_end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    sys.stdout.flush()


if __name__ == "__main__":
    sys.exit(main())
