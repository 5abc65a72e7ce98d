"""`make load`: python -m load [--profile deadline|mixed] [--users N] [--time 10m] [--units 2000]

On loopback, with the load generator on the same machine: gunicorn sized for the machine
(sync workers, (2 × cores) + 1), a Celery worker, PostgreSQL (<DATABASE_URL's name>_load,
made anew with the bench's organization and history: load/prepare.py), Redis
(CELERY_BROKER_URL) and a local SMTP server that counts what it receives
(bench/mailsink.py). Runs the profile's locust scenario (load/locustfile.py) headless for
the given time, waits for the worker to finish what the run asked of it, and prints
`name: value` lines: per page the requests, p50 and p95, the errors and the refusals apart,
the totals, and whether every e-mail and export the run triggered was delivered.
"""

from __future__ import annotations

import argparse
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
    parser.add_argument("--web-workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--worker-concurrency", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--worker-per-queue", action="store_true", help="a Celery worker per queue (production)")
    args = parser.parse_args(argv)
    profile = PROFILES[args.profile]
    users = args.users or profile["users"]
    duration = args.time or profile["time"]

    broker = os.environ.get("CELERY_BROKER_URL", "")
    if not broker.startswith("redis"):
        sys.exit("make load needs Redis: set CELERY_BROKER_URL=redis://127.0.0.1:6379/N")
    url, name = bench_url(os.environ.get("DATABASE_URL", ""), "load")
    folder = tempfile.TemporaryDirectory(prefix="mingze-load-")
    work = Path(folder.name)
    print(f"load_average_at_start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"profile: {args.profile}")
    env = {
        **os.environ,
        "LOAD_UNITS": str(args.units),
        "LOAD_MARKS": str(work / "marks.json"),
        "LOAD_OUTCOMES": str(work / "outcomes.json"),
        "LOAD_USERS": str(users),
        "LOAD_WAIT": args.wait,
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "load.prepare"], cwd=ROOT, env=env, check=True)
    print(f"load_database: {name}")
    print(f"prepare_seconds: {time.monotonic() - started:.1f}")
    sys.stdout.flush()

    with MailSink() as sink:
        served = {
            **env,
            "DJANGO_SETTINGS_MODULE": "config.settings.local",
            "DJANGO_DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(40),
            "DATABASE_URL": url,
            "EMAIL_URL": sink.url(),
            "MEDIA_ROOT": str(work / "media"),
        }
        # Whatever an earlier run left in this Redis database is not this run's work.
        subprocess.run(
            [sys.executable, "-m", "celery", "-A", "config", "purge", "-f", "-Q", ",".join(QUEUES)],
            cwd=ROOT, env=served, stdout=subprocess.DEVNULL, check=True,
        )  # fmt: skip
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        web = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi", "-b", f"127.0.0.1:{port}",
             "-w", str(args.web_workers), "--timeout", "60", "--log-level", "warning"],
            cwd=ROOT, env=served,
        )  # fmt: skip
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
            wait_http(base + "/login/")
            print(f"gunicorn_workers: {args.web_workers}")
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
                    locust + profile["classes"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=handle
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
            stop(web, *workers)
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
