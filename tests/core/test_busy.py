"""PostgreSQL refusing a page's transaction for another one at the same moment (here a lock
not granted within ``lock_timeout``, another connection holding the row): the person reads
the busy page — 503 with Retry-After, nothing saved, try again — in their language, it is
logged, and nothing changed; never a 500. And a web process's connections wait for a lock
at most ``DATABASE_LOCK_TIMEOUT`` seconds, other processes without limit.

Real PostgreSQL, each side in its own connection (``tests.threads``): the lock is held,
then the page asked for; no sleeps."""

import datetime
import logging
import threading
import time

import pytest
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.test import RequestFactory
from django.urls import reverse

from assessments.models import Report
from core.busy import BusyMiddleware, limit_lock_waits
from responsibilities.models import Succession, Unit
from tests.assessments.conftest import period, report_a  # noqa: F401 - shared fixtures
from tests.services import need_postgres
from tests.threads import run_together

WAIT = 20  # seconds: far past the lock timeout; a lock never let go fails the test instead
LOCK_TIMEOUT = 0.5  # seconds

BUSY = {
    "zh-hans": ("系统繁忙，未保存任何内容", "请稍后重试"),
    "en": ("Busy: nothing was saved", "Please try again in a moment"),
}


@pytest.fixture
def web_connections(settings, monkeypatch):
    """New connections (each page below is asked for in a thread of its own) are a web
    process's: ``limit_lock_waits`` as ``config/wsgi.py`` calls it, with a short timeout."""
    need_postgres()
    settings.DATABASE_LOCK_TIMEOUT = LOCK_TIMEOUT
    settings.DATABASE_TRANSACTION_POOLING = False
    monkeypatch.setitem(connection.settings_dict, "OPTIONS", dict(connection.settings_dict.get("OPTIONS", {})))
    limit_lock_waits({"default": connection.settings_dict})


def refused_while_held(unit_pk: int | None, ask, holding=None):
    """``ask()`` (a page) while another connection holds the unit's row (or what
    ``holding(cursor)`` locks); the page's answer and how long it took."""
    held, done = threading.Event(), threading.Event()

    def hold():
        with transaction.atomic(), connection.cursor() as cursor:
            if holding is not None:
                holding(cursor)
            else:
                cursor.execute("SELECT id FROM responsibilities_unit WHERE id = %s FOR UPDATE", [unit_pk])
            held.set()
            assert done.wait(WAIT)

    def page():
        assert held.wait(WAIT)
        try:
            started = time.monotonic()
            response = ask()
            return response, time.monotonic() - started
        finally:
            done.set()

    _, answered = run_together(hold, page, barrier=False, timeout=3 * WAIT)
    assert not isinstance(answered, Exception), answered  # on main: the OperationalError, a 500
    return answered


def assert_busy_page(response, lang, took):
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    page = response.content.decode()
    assert all(text in page for text in BUSY[lang]), page[:2000]
    assert took < LOCK_TIMEOUT + 5  # answered once the lock timed out, not after the holder let go


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("action", "lang"), [("merge", "zh-hans"), ("merge", "en"), ("split", "zh-hans")])
def test_a_merge_or_split_refused_for_a_lock_timeout_answers_the_busy_page(
    client_as, cast, web_connections, action, lang, caplog
):
    """The merge and split page (oversight): another admin's step holds the province's root
    past the lock timeout; the change is refused whole — branch B still open, its reports
    where they were, no succession recorded, no new unit."""
    client = client_as("admin")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    reports = sorted(Report.objects.values_list("pk", "unit_id", "state"))
    units = Unit.objects.count()
    data = {"action": action, "unit": cast.unit_b.pk, "on": datetime.date.today().isoformat(), "reason": "支部调整"}
    data.update({"into": cast.unit_a.pk} if action == "merge" else {"parts": "ZBB1 乙一支部\nZBB2 乙二支部"})
    with caplog.at_level(logging.WARNING, logger="core.busy"):
        response, took = refused_while_held(
            cast.party_group.pk, lambda: client.post(reverse("oversight:reorganize"), data)
        )
    assert_busy_page(response, lang, took)
    assert Unit.objects.get(pk=cast.unit_b.pk).active
    assert not Succession.objects.exists() and Unit.objects.count() == units
    assert sorted(Report.objects.values_list("pk", "unit_id", "state")) == reports
    logged = [r for r in caplog.records if r.name == "core.busy"]
    assert len(logged) == 1 and "55P03" in logged[0].getMessage() and "/reorganize" in logged[0].getMessage()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_page_waits_for_a_lock_no_longer_than_the_setting(client_as, cast, web_connections):
    """The timeout is the web connections' own: ``SHOW lock_timeout`` in a new connection."""

    def shown():
        with connection.cursor() as cursor:
            cursor.execute("SHOW lock_timeout")
            return cursor.fetchone()[0]

    assert run_together(shown, barrier=False) == [f"{round(LOCK_TIMEOUT * 1000)}ms"]


def test_only_postgresql_and_only_without_a_transaction_pooler_get_the_timeout(settings):
    settings.DATABASE_LOCK_TIMEOUT = 3
    settings.DATABASE_TRANSACTION_POOLING = False
    databases = {
        "default": {"ENGINE": "django.db.backends.postgresql", "OPTIONS": {"options": "-c work_mem=8MB"}},
        "embedded": {"ENGINE": "django.db.backends.sqlite3", "OPTIONS": {"timeout": 30}},
    }
    limit_lock_waits(databases)
    assert databases["default"]["OPTIONS"]["options"] == "-c work_mem=8MB -c lock_timeout=3000"
    assert databases["embedded"]["OPTIONS"] == {"timeout": 30}  # SQLite: no lock_timeout
    limit_lock_waits(databases)  # once only
    assert databases["default"]["OPTIONS"]["options"].count("lock_timeout") == 1
    pooled = {"default": {"ENGINE": "django.db.backends.postgresql"}}
    settings.DATABASE_TRANSACTION_POOLING = True  # PgBouncer passes no startup parameter on
    limit_lock_waits(pooled)
    settings.DATABASE_TRANSACTION_POOLING, settings.DATABASE_LOCK_TIMEOUT = False, 0
    limit_lock_waits(pooled)  # 0: no limit
    assert pooled == {"default": {"ENGINE": "django.db.backends.postgresql"}}


def test_other_database_errors_are_left_to_the_500_page():
    middleware = BusyMiddleware(lambda request: None)
    request = RequestFactory().post("/")
    assert middleware.process_exception(request, IntegrityError("duplicate key")) is None
    assert middleware.process_exception(request, ValueError("not the database")) is None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_api_submission_refused_for_a_lock_timeout_answers_problem_json(cast, report_a, web_connections, caplog):  # noqa: F811
    """The API answers in problem JSON (``api.problems``): 503 with Retry-After, the report
    still a draft."""
    from tests.api.conftest import token_client

    report = report_a
    api = token_client(cast.secretary_a, actor=cast.admin)
    url = reverse("api:report-submit", kwargs={"pk": report.pk})

    def held(cursor):
        cursor.execute("SELECT id FROM assessments_report WHERE id = %s FOR UPDATE", [report.pk])

    with caplog.at_level(logging.WARNING, logger="core.busy"):
        response, took = refused_while_held(
            None, lambda: api.post(url, {"content": "已完成"}, format="json", HTTP_ACCEPT_LANGUAGE="en"), held
        )
    assert response.status_code == 503 and int(response["Retry-After"]) > 0
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 503 and "Nothing was saved" in body["detail"]
    assert Report.objects.get(pk=report.pk).state == Report.State.DRAFT
    assert any("55P03" in r.getMessage() for r in caplog.records if r.name == "core.busy")
