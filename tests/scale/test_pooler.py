"""Mingze behind PgBouncer in transaction mode: a connection's session lasts one transaction
and the server connection under it is shared with whoever comes next. The whole report loop
runs through a real PgBouncer (a small pool, so clients really take turns): an admin opens a
period (a Celery worker opens it), a secretary files a report with evidence and submits it,
the liaison leader approves it, the period is locked, closed and scored, and the exports
worker builds the hearing pack — every process's every query through PgBouncer, with
DATABASE_TRANSACTION_POOLING=true (no server-side cursors)."""

import datetime
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.db import connection
from django.urls import reverse

from assessments.models import Evidence, Period, Report
from dashboard.models import Export
from schedules.models import JobRun
from scoring.models import UnitScore
from tests.assessments.conftest import scheduled_period
from tests.schedules.test_real_worker import process_env, wait_for, worker
from tests.services import need_postgres
from tests.trust.processes import RedisServer, browser_for, gunicorn

from .loop import approve, attach, post, submit
from .servers import PgBouncer

pytestmark = [pytest.mark.worker, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def pgbouncer(django_db_setup, django_db_blocker):
    """PgBouncer in front of the test database's server, two server connections a database."""
    with django_db_blocker.unblock():
        need_postgres()
        db = connection.settings_dict
    with tempfile.TemporaryDirectory() as folder:
        bouncer = PgBouncer(
            folder,
            host=db["HOST"] or "127.0.0.1",
            port=int(db["PORT"] or 5432),
            user=db["USER"] or "postgres",
            password=db["PASSWORD"] or "",
        )
        bouncer.start()
        try:
            yield bouncer
        finally:
            bouncer.stop()


def through(bouncer: PgBouncer) -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER'] or 'postgres'}@127.0.0.1:{bouncer.port}/{db['NAME']}"


def transactions(bouncer: PgBouncer) -> int:
    db = connection.settings_dict["NAME"]
    return sum(int(row["total_xact_count"]) for row in bouncer.show("STATS") if row["database"] == db)


def test_the_report_loop_runs_through_pgbouncer_in_transaction_mode(pgbouncer, cast, tmp_path):
    period = scheduled_period(cast)
    admin, leader, secretary = browser_for(cast.admin), browser_for(cast.leader), browser_for(cast.secretary_a)
    broker = RedisServer()
    broker.start()
    env = {
        "DATABASE_URL": through(pgbouncer),
        "DATABASE_TRANSACTION_POOLING": "true",
        "CELERY_BROKER_URL": broker.url,
        "MEDIA_ROOT": str(tmp_path),
    }
    before = transactions(pgbouncer)
    try:
        with gunicorn(**env) as (base, _proc), worker("default,mail,exports", **env):
            assert requests.get(base + "/healthz/", timeout=60).json() == {"database": "ok", "broker": "ok"}
            # Open the period now: a worker makes a report per assignment.
            post(admin, base, "schedules:period_action", [period.pk], data={"action": "open"})
            wait_for(lambda: JobRun.objects.filter(period=period, state="done").exists(), "the period to open")
            period.refresh_from_db()
            assert period.state == Period.State.OPEN
            report = Report.objects.filter(period=period, unit=cast.unit_a).order_by("pk").first()

            attach(secretary, base, report.pk)
            submit(secretary, base, report.pk)
            mine = secretary.get(base + reverse("assessments:my_reports"), timeout=30)
            assert mine.status_code == 200
            approve(leader, base, report.pk)
            report.refresh_from_db()
            assert report.state == Report.State.APPROVED and report.grade == "good"
            assert Evidence.objects.get(report=report).file.name
            evidence = secretary.get(
                base + reverse("assessments:evidence_download", args=[Evidence.objects.get(report=report).pk]),
                timeout=30,
            )
            assert evidence.status_code == 200 and evidence.content.startswith(b"\x89PNG")

            # Past the review date: lock what was not filed, close, score; the worker builds
            # the hearing pack from the scores.
            day = (period.review_due_on + datetime.timedelta(days=1)).isoformat()
            closed = subprocess.run(
                [sys.executable, "manage.py", "run_schedule", "lock_and_close", "--date", day],
                cwd=settings.BASE_DIR,
                env={**process_env(), **env},
                capture_output=True,
                text=True,
                timeout=300,
            )
            assert closed.returncode == 0, closed.stderr[-3000:]
            period.refresh_from_db()
            assert period.state == Period.State.CLOSED
            score = UnitScore.objects.get(period=period, unit=cast.unit_a)
            assert score.score is not None
            wait_for(lambda: Export.objects.filter(period=period, status="done").count() == 2, "the hearing pack")
            assert not Export.objects.filter(period=period, status="failed").exists()
            pdf = Export.objects.get(period=period, kind=Export.Kind.PDF)
            assert Path(tmp_path, pdf.file.name).read_bytes().startswith(b"%PDF")
            scores = leader.get(base + reverse("scoring:scores") + f"?period={period.pk}", timeout=30)
            assert scores.status_code == 200 and cast.unit_a.name in scores.text
    finally:
        broker.stop()
    # It all went through PgBouncer: hundreds of transactions on two server connections.
    assert transactions(pgbouncer) - before > 100
    pools = [row for row in pgbouncer.show("POOLS") if row["database"] == connection.settings_dict["NAME"]]
    assert pools and all(int(row["sv_active"]) + int(row["sv_idle"]) + int(row["sv_used"]) <= 2 for row in pools)


SESSION_STATE = [
    (r"pg_advisory_lock\(|pg_try_advisory_lock\(", "session-level advisory lock (use pg_advisory_xact_lock)"),
    # A statement that begins with SET (not UPDATE … SET, not SET LOCAL):
    (r"[\"';]\s*SET\s+(?!LOCAL\b)(SESSION\s+)?(TIME\s+ZONE|[a-z_]+\s*(=|TO)\s)", "a session setting (use SET LOCAL)"),
    (r"\bWITH\s+HOLD\b", "a cursor WITH HOLD"),
    (r"\b(LISTEN|UNLISTEN)\s", "LISTEN (needs a session of its own)"),
    (r"\bCREATE\s+TEMP(ORARY)?\s+TABLE\b", "a temporary table"),
    (r"\bPREPARE\s+\w+\s+(AS|\()", "a named prepared statement"),
]


def test_no_sql_in_mingze_keeps_session_state():
    """What breaks behind a transaction-mode pooler is SQL that leaves something on the
    server connection for later. Mingze's own SQL has none of it."""
    root = Path(settings.BASE_DIR)
    found = []
    for path in root.glob("*/**/*.py"):
        if path.parts[len(root.parts)] in {".venv", "node_modules", "tests", "var", "bench", "load"}:
            continue
        text = path.read_text(encoding="utf-8")
        for pattern, what in SESSION_STATE:
            for match in re.finditer(pattern, text, flags=re.IGNORECASE):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(root)}:{line}: {what}")
    assert not found, found
