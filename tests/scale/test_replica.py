"""A real PostgreSQL streaming replica serving the heavy reads (core/replica.py).

One private primary and its hot standby (pg_basebackup) serve the whole module; each test
copies its own database onto the primary, which streams it to the replica. gunicorn and a
Celery worker run Mingze with DATABASE_URL on the primary and DATABASE_REPLICA_URL on the
replica. Pausing the replica's replay (pg_wal_replay_pause) makes what it serves visibly
old, which shows where each read went:

- the drill-down list (a heavy read) shows the replica's rows, the review queue the primary's;
- the person who has just submitted sees the submission on the drill-down list too, for
  DATABASE_REPLICA_OWN_WRITES_SECONDS; then the replica again;
- once the replica is further behind than DATABASE_REPLICA_MAX_LAG, everyone reads the
  primary and /healthz/ says the replica is lagging; once it has caught up, it serves again;
- with the replica stopped, the heavy pages are served from the primary and /healthz/ says so;
- an export built by the worker reads the replica only once it has everything written before.
"""

import io
import os
import tempfile
import time
import uuid
from contextlib import suppress

import openpyxl
import pytest
import requests
from django.urls import reverse

from assessments.models import Report
from core.replica import LAG_SQL
from tests.schedules.test_real_worker import wait_for, worker
from tests.services import need_postgres
from tests.trust.processes import RedisServer, browser_for, gunicorn

from .servers import primary_and_replica, query, wait_replayed

pytestmark = [pytest.mark.worker, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
MAX_LAG = 12  # seconds
OWN_WRITES = 3  # seconds


@pytest.fixture(scope="module")
def servers(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        need_postgres()
    with tempfile.TemporaryDirectory() as folder:
        os.chmod(folder, 0o755)  # the postgres user runs the servers in folders below
        with primary_and_replica(folder) as pair:
            yield pair


@pytest.fixture
def mingze(servers, tmp_path):
    """Copy the test's database (rows and sessions made so far) onto the primary, wait for
    the replica to have it, and return the environment that runs Mingze on both."""
    primary, replica = servers
    name = f"mingze_{uuid.uuid4().hex[:8]}"

    def start():
        url = primary.copy_database(name)
        wait_replayed(primary, replica)
        return {
            "DATABASE_URL": url,
            "DATABASE_REPLICA_URL": f"postgres://postgres@127.0.0.1:{replica.port}/{name}",
            "DATABASE_REPLICA_MAX_LAG": str(MAX_LAG),
            "DATABASE_REPLICA_OWN_WRITES_SECONDS": str(OWN_WRITES),
            "DATABASE_REPLICA_CHECK_SECONDS": "0.2",
            "MEDIA_ROOT": str(tmp_path),
        }

    yield start
    with suppress(Exception):  # whatever a failed test left, the next finds it replaying
        replica.sql("SELECT pg_wal_replay_resume()")


def pause(primary, replica):
    """Let the replica replay a fresh transaction, then stop replaying: from now on it
    serves the rows as they were. Its lag is the age of that transaction, which was
    committed after the moment returned: the lag at any later moment t is at most
    t minus that moment, however long the replaying and the pausing took."""
    ticked_at = time.monotonic()
    query(primary.port, "CREATE TABLE IF NOT EXISTS tick (at timestamptz); INSERT INTO tick VALUES (now())")
    wait_replayed(primary, replica)
    replica.sql("SELECT pg_wal_replay_pause()")
    return ticked_at


def lag(replica, name) -> float:
    """How far behind the replica says it is, as Mingze asks it (core.replica.LAG_SQL)."""
    (seconds,) = replica.sql(LAG_SQL, name)
    return float(seconds)


def listed(browser, base, period, report) -> bool:
    """Whether the drill-down list of submitted reports shows ``report``."""
    url = base + reverse("dashboard:reports") + f"?period={period.pk}&state=submitted"
    page = browser.get(url, allow_redirects=False, timeout=30)
    assert page.status_code == 200, page.text[:500]
    return reverse("assessments:report", args=[report.pk]) in page.text


def submit(browser, base, report):
    answer = browser.post(
        base + reverse("assessments:report_file", args=[report.pk]),
        data={"content": "已落实", "self_assessment": "", "action": "submit"},
        allow_redirects=False,
        timeout=30,
    )
    assert answer.status_code == 302, answer.text[:500]


def test_heavy_reads_go_to_the_replica_and_fall_back_to_the_primary_when_it_lags(servers, mingze, cast, period):
    primary, replica = servers
    report = Report.objects.filter(period=period, unit=cast.unit_a).order_by("pk").first()
    leader, secretary = browser_for(cast.leader), browser_for(cast.secretary_a)
    env = mingze()
    name = env["DATABASE_URL"].rsplit("/", 1)[1]
    with gunicorn(**env) as (base, _proc):
        health = requests.get(base + "/healthz/", timeout=60)
        assert health.status_code == 200 and health.json()["replica"] == "ok", health.text
        assert not listed(leader, base, period, report)

        ticked_at = pause(primary, replica)
        submit(secretary, base, report)
        submitted_at = time.monotonic()
        # The leader's drill-down list is read on the replica: the submission is not there yet...
        assert not listed(leader, base, period, report)
        # ...while every other page reads the primary: it waits in the leader's review queue.
        queue = leader.get(base + reverse("assessments:review_queue"), timeout=30)
        assert reverse("assessments:report", args=[report.pk]) in queue.text
        # The secretary, who has just written, reads the primary on the heavy pages too,
        assert listed(secretary, base, period, report)
        # for a few seconds; then the replica again.
        time.sleep(max(0, submitted_at + OWN_WRITES + 0.5 - time.monotonic()))
        assert lag(replica, name) < MAX_LAG - 1, "too slow: the replica is past the limit already"
        assert not listed(secretary, base, period, report)

        # Further behind than the limit, the replica is no longer read: everyone sees the primary.
        wait_for(lambda: listed(leader, base, period, report), "reads to fall back to the primary")
        assert time.monotonic() - ticked_at >= MAX_LAG - 1, "fell back before the replica was past the limit"
        assert lag(replica, name) > MAX_LAG
        health = requests.get(base + "/healthz/", timeout=10)
        assert health.status_code == 200 and health.json()["replica"].startswith("lagging"), health.text

        # Caught up again, it serves again.
        replica.sql("SELECT pg_wal_replay_resume()")
        wait_replayed(primary, replica)
        wait_for(lambda: requests.get(base + "/healthz/", timeout=10).json()["replica"] == "ok", "the replica")
        assert listed(leader, base, period, report)


def test_with_the_replica_down_the_heavy_pages_read_the_primary(servers, mingze, cast, period):
    primary, replica = servers
    report = Report.objects.filter(period=period, unit=cast.unit_a).order_by("pk").first()
    leader, secretary = browser_for(cast.leader), browser_for(cast.secretary_a)
    with gunicorn(**mingze()) as (base, _proc):
        assert requests.get(base + "/healthz/", timeout=60).json()["replica"] == "ok"
        replica.stop()
        try:
            submit(secretary, base, report)
            for name in ("dashboard:index", "dashboard:ranking", "scoring:scores"):
                page = leader.get(base + reverse(name) + f"?period={period.pk}", allow_redirects=False, timeout=30)
                assert page.status_code == 200, (name, page.status_code)
            assert listed(leader, base, period, report)
            health = requests.get(base + "/healthz/", timeout=30)
            assert health.status_code == 200, health.text  # Mingze works: the primary serves
            assert health.json()["replica"].startswith("error"), health.text
        finally:
            replica.start()
        wait_for(lambda: requests.get(base + "/healthz/", timeout=10).json()["replica"] == "ok", "the replica back")
        assert listed(leader, base, period, report)


def submitted_in_workbook(content: bytes, unit) -> int:
    book = openpyxl.load_workbook(io.BytesIO(content))
    rows = [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    header = rows[1]
    line = next(row for row in rows if row[1] == unit.code)
    return line[header.index(str(Report.State.SUBMITTED.label))]


def replica_scans(replica, name, table="scoring_scoreline") -> int:
    (scans,) = replica.sql(
        f"SELECT COALESCE(seq_scan, 0) + COALESCE(idx_scan, 0) FROM pg_stat_user_tables WHERE relname = '{table}'",
        name,
    )
    return scans


def test_an_export_reads_the_replica_only_once_it_has_everything_written_before(servers, mingze, cast, period):
    primary, replica = servers
    report = Report.objects.filter(period=period, unit=cast.unit_a).order_by("pk").first()
    admin, secretary = browser_for(cast.admin), browser_for(cast.secretary_a)
    broker = RedisServer()
    broker.start()
    env = {**mingze(), "CELERY_BROKER_URL": broker.url, "CONN_MAX_AGE": "0"}  # stats flush as connections close
    name = env["DATABASE_URL"].rsplit("/", 1)[1]

    def export():
        (last,) = query(primary.port, "SELECT COALESCE(MAX(id), 0) FROM dashboard_export", name)
        asked = admin.post(
            base + reverse("dashboard:export_create"),
            data={"kind": "excel", "period": period.pk},
            allow_redirects=False,
            timeout=30,
        )
        assert asked.status_code == 302

        def done():
            row = query(primary.port, f"SELECT token, status FROM dashboard_export WHERE id > {last}", name)
            return row if row and row[1] == "done" else None

        wait_for(done, "the export")
        download = admin.get(base + reverse("dashboard:export_download", args=[done()[0]]), timeout=30)
        assert download.status_code == 200
        return download.content

    try:
        with gunicorn(**env) as (base, _proc), worker("exports", **env):
            requests.get(base + "/healthz/", timeout=60)
            pause(primary, replica)
            submit(secretary, base, report)
            scans = replica_scans(replica, name)
            # The replica has not got the submission: the export is read on the primary.
            assert submitted_in_workbook(export(), cast.unit_a) == 1
            time.sleep(1.5)
            assert replica_scans(replica, name) == scans

            replica.sql("SELECT pg_wal_replay_resume()")
            wait_replayed(primary, replica)
            # Caught up: the next export is read on the replica, with the submission in it.
            assert submitted_in_workbook(export(), cast.unit_a) == 1
            wait_for(lambda: replica_scans(replica, name) > scans, "the replica to have served the export")
    finally:
        broker.stop()
