"""Fault (c): PostgreSQL restarts while gunicorn serves a stream of requests. During the
outage each request to a page that reads the database fails cleanly and at once (a 500
page, or 503 from /healthz/) — no hang, no dropped connection — and afterwards the same
gunicorn worker serves again without a restart, because CONN_HEALTH_CHECKS drops the dead
persistent connection. The PostgreSQL is a private instance in a temporary folder
(processes.py), never the shared cluster.

Both caches Mingze runs with are tried, each given explicitly (never whatever the
environment of the run holds): the database cache (no ``REDIS_URL``, as CI runs the web)
and Redis (production), a private redis-server. With Redis, a page kept by the page cache
(core/pagecache.py) needs no query: 我的责任 stays readable through the outage, and it is
the very page shown before it (the same ``ETag``: made under the same data stamp, which no
write can have replaced while the database was down). The stream of requests therefore
asks for a page that always reads the database (我的职责, not cached)."""

import threading
import time
from contextlib import contextmanager

import psycopg2
import pytest
import requests
from django.urls import reverse

from bench import engines
from tests.services import need_postgres
from tests.trust.processes import RedisServer, browser_for, gunicorn, private_postgres

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@contextmanager
def cache_env(kind: str):
    """The environment that gives gunicorn the ``kind`` of cache (and the sessions that go
    with it, config/settings/base.py), whatever the run's own environment says."""
    if kind == "database":
        yield {"CACHE_URL": "", "REDIS_URL": ""}
        return
    server = RedisServer()
    server.start()
    try:
        yield {"CACHE_URL": "", "REDIS_URL": server.url}
    finally:
        server.stop()


def client_loop(browser, url, stop, seen):
    """GET ``url`` until ``stop`` is set; record (time, status or error, seconds taken)."""
    while not stop.is_set():
        started = time.monotonic()
        try:
            status = browser.get(url, allow_redirects=False, timeout=15).status_code
        except requests.RequestException as error:
            status = type(error).__name__
        seen.append((started, status, time.monotonic() - started))
        time.sleep(0.05)


def wait_for_requests(seen, count, *, since):
    """Until the stream has recorded ``count`` requests sent after ``since`` (no fixed sleep:
    on a loaded machine a request may take long)."""
    deadline = time.monotonic() + 60
    while sum(at > since for at, _status, _took in seen) < count:
        assert time.monotonic() < deadline, f"the stream made fewer than {count} requests in a minute"
        time.sleep(0.05)


def get(browser, url):
    return browser.get(url, allow_redirects=False, timeout=10)


@pytest.mark.parametrize("cache", ["database", "redis"])
def test_requests_fail_cleanly_while_postgres_restarts_and_recover_without_restarting_the_app(cast, period, cache):
    need_postgres()
    secretary = browser_for(cast.secretary_a)  # its session row is copied with the rest
    with private_postgres() as database, cache_env(cache) as env:
        url = database.copy_database("mingze_fault")
        with gunicorn(DATABASE_URL=url, CONN_MAX_AGE="60", **env) as (base, proc):
            reads = base + reverse("responsibilities:my_duties")  # reads the database every time
            kept = base + reverse("assessments:my_reports")  # kept by the page cache (with Redis)
            assert get(secretary, reads).status_code == 200
            before = get(secretary, kept)
            assert before.status_code == 200
            stop, seen = threading.Event(), []
            loop = threading.Thread(target=client_loop, args=(secretary, reads, stop, seen))
            started_at = time.monotonic()
            loop.start()
            try:
                wait_for_requests(seen, 3, since=started_at)
                stopping_at = time.monotonic()
                database.stop()  # pg_ctl -w: returns once the server is down
                down_at = time.monotonic()
                with pytest.raises(psycopg2.OperationalError):
                    engines.query(database.port, "SELECT 1")  # down indeed: no connection is taken
                health = requests.get(base + "/healthz/", timeout=15)
                during_reads, during_kept = get(secretary, reads), get(secretary, kept)
                wait_for_requests(seen, 3, since=down_at)
                starting_at = time.monotonic()
                database.start()  # pg_ctl -w: returns once it takes connections
                up_at = time.monotonic()
                after_reads, after_kept = get(secretary, reads), get(secretary, kept)
                wait_for_requests(seen, 3, since=up_at)
            finally:
                stop.set()
                loop.join(timeout=30)
            assert proc.poll() is None, "gunicorn died"
            assert health.status_code == 503 and health.json()["database"].startswith("error")
            assert get(secretary, base + "/healthz/").json()["database"] == "ok"

    # What the secretary sees: a page that reads the database is the error page during the
    # outage and itself again at once after it, from the same gunicorn.
    assert during_reads.status_code == 500
    assert after_reads.status_code == 200 and after_kept.status_code == 200
    if cache == "redis":
        # 我的责任 from the page cache: the page as it was, never one made from other data.
        assert during_kept.status_code == 200 and during_kept.headers["ETag"] == before.headers["ETag"]
    else:
        assert during_kept.status_code == 500  # the session itself is read from the database

    # The stream: every request got an answer and none hung; those wholly before the stop
    # began were served, those wholly inside the outage (after the server was down, before
    # it was being started again) failed cleanly, those sent once it was up were served.
    statuses = [status for _at, status, _took in seen]
    assert all(isinstance(status, int) for status in statuses), statuses
    assert max(took for _at, _status, took in seen) < 5, "a request hung"
    assert {s for at, s, took in seen if at + took < stopping_at} == {200}
    during = {s for at, s, took in seen if at > down_at and at + took < starting_at}
    assert during and during <= {500, 503}, during
    after = [s for at, s, _took in seen if at > up_at]
    assert after and set(after) == {200}, after
    print(f"requests: {len(seen)}, failed cleanly during the outage: {sum(s != 200 for s in statuses)}")
