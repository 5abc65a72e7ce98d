"""Fault (c): PostgreSQL restarts while gunicorn serves a stream of requests. During the
outage each request fails cleanly and at once (a 500 page, or 503 from /healthz/) — no hang,
no dropped connection — and afterwards the same gunicorn worker serves again without a
restart, because CONN_HEALTH_CHECKS drops the dead persistent connection. The PostgreSQL is
a private instance in a temporary folder (processes.py), never the shared cluster."""

import threading
import time

import pytest
import requests
from django.urls import reverse

from tests.services import need_postgres
from tests.trust.processes import browser_for, gunicorn, private_postgres

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


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


def test_requests_fail_cleanly_while_postgres_restarts_and_recover_without_restarting_the_app(cast, period):
    need_postgres()
    secretary = browser_for(cast.secretary_a)  # its session row is copied with the rest
    with private_postgres() as database:
        url = database.copy_database("mingze_fault")
        with gunicorn(DATABASE_URL=url, CONN_MAX_AGE="60") as (base, proc):
            page = base + reverse("assessments:my_reports")
            assert secretary.get(page, allow_redirects=False, timeout=10).status_code == 200
            stop, seen = threading.Event(), []
            loop = threading.Thread(target=client_loop, args=(secretary, page, stop, seen))
            loop.start()
            try:
                time.sleep(1.5)
                stopping_at = time.monotonic()
                database.stop()  # returns once the server is down
                down_at = time.monotonic()
                health = requests.get(base + "/healthz/", timeout=15)
                time.sleep(1.5)
                starting_at = time.monotonic()
                database.start()
                up_at = time.monotonic()
                time.sleep(3)
            finally:
                stop.set()
                loop.join(timeout=30)
            assert proc.poll() is None, "gunicorn died"
            assert health.status_code == 503 and health.json()["database"].startswith("error")
            assert requests.get(base + "/healthz/", timeout=10).json()["database"] == "ok"

    statuses = [status for _at, status, _took in seen]
    assert all(isinstance(status, int) for status in statuses), statuses  # every request got an answer
    assert max(took for _at, _status, took in seen) < 5, "a request hung"
    # Requests wholly before the stop began were served; those wholly inside the outage
    # (after the server was down, before it was being started again) failed cleanly.
    assert {s for at, s, took in seen if at + took < stopping_at} == {200}
    during = {s for at, s, took in seen if at > down_at and at + took < starting_at}
    assert during and during <= {500, 503}, during
    after = [s for at, s, _took in seen if at > up_at + 1]
    assert after and set(after) == {200}, after
    print(f"requests: {len(seen)}, failed cleanly during the outage: {sum(s != 200 for s in statuses)}")
