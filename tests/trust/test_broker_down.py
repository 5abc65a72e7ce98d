"""Fault (b): the broker (Redis) dies while gunicorn serves Mingze. Pages keep working, a
secretary's submission still succeeds and quickly, the liaison's notification is kept with
its e-mail pending, /healthz/ says the broker is down; once Redis is back the web queues
again and the pending e-mail goes out once. The Redis is the test's own (processes.py)."""

import datetime
import time

import pytest
import redis
from django.urls import reverse

from assessments.models import Report
from notifications.models import Notification
from notifications.services import send_pending_emails
from tests.services import need_postgres
from tests.trust.processes import RedisServer, browser_for, gunicorn

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def submit(browser, base, report):
    started = time.monotonic()
    answer = browser.post(
        base + reverse("assessments:report_file", args=[report.pk]),
        data={"content": "已落实", "self_assessment": "", "action": "submit"},
        allow_redirects=False,
        timeout=20,
    )
    return answer, time.monotonic() - started


def test_with_the_broker_dead_pages_and_submissions_work_and_no_email_is_lost(cast, period, mailoutbox):
    need_postgres()
    broker = RedisServer()
    broker.start()
    first, second = Report.objects.filter(period=period, unit=cast.unit_a).order_by("pk")[:2]
    with gunicorn(CELERY_BROKER_URL=broker.url) as (base, _proc):
        secretary = browser_for(cast.secretary_a)
        assert secretary.get(base + "/healthz/", timeout=10).json()["broker"] == "ok"

        broker.stop()
        health = secretary.get(base + "/healthz/", timeout=10)
        assert health.status_code == 503 and health.json()["broker"].startswith("error")
        for name, args in [("assessments:my_reports", []), ("assessments:report", [first.pk])]:
            assert secretary.get(base + reverse(name, args=args), allow_redirects=False, timeout=10).status_code == 200
        answer, took = submit(secretary, base, first)
        assert answer.status_code == 302, answer.text[:500]
        assert took < 5, f"the submission waited {took:.1f}s on the dead broker"
        first.refresh_from_db()
        assert first.state == "submitted"
        told = Notification.objects.get(recipient=cast.leader, kind="report_submit")
        assert told.emailed_at is None  # kept, its e-mail pending

        broker.start()  # the same port, empty: what was lost was never only in the broker
        assert secretary.get(base + "/healthz/", timeout=10).json() == {"database": "ok", "broker": "ok"}
        answer, _took = submit(secretary, base, second)
        assert answer.status_code == 302
        assert redis.Redis.from_url(broker.url).llen("mail") == 1  # queued again once the broker is back
    broker.stop()

    # The beat job (every 10 minutes) sends what is pending: both e-mails, each once.
    notes = Notification.objects.filter(recipient=cast.leader, kind="report_submit")
    assert notes.count() == 2
    send_pending_emails(older_than=datetime.timedelta(0))
    assert not notes.filter(emailed_at__isnull=True).exists()
    assert [m.to for m in mailoutbox].count([cast.leader.email]) == 2
    assert send_pending_emails(older_than=datetime.timedelta(0)) == 0
