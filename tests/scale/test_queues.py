"""Queues per kind of work: exports and hearing packs on `exports`, e-mail on `mail`, the
schedule's jobs on `default`, each with workers of its own. An export that takes as long as
it likes (here: it waits on a table the test holds locked) keeps its worker busy, and a
reminder asked for meanwhile is sent, and its e-mails go out, all the same. Everything is
real: gunicorn queues the work as it does for a person, and three Celery workers — one per
queue — take it from the broker. The test runs on Redis (a private redis-server) and on
RabbitMQ (a private virtual host): Mingze works on either broker."""

import psycopg2
import pytest
import requests
from django.db import connection
from django.urls import reverse

from config.celery import app
from dashboard.models import Export
from notifications.models import Notification
from schedules.models import Job, JobRun
from scoring.models import ScoreLine
from tests.schedules.test_real_worker import wait_for, worker
from tests.services import need_postgres
from tests.trust.processes import RedisServer, browser_for, gunicorn

from .servers import rabbitmq_vhost

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_every_task_is_routed_to_the_queue_of_its_kind():
    app.loader.import_default_modules()
    queues = {name: app.amqp.router.route({}, name)["queue"].name for name in app.tasks if "." in name}
    queues = {name: queue for name, queue in queues.items() if not name.startswith("celery.")}
    assert queues["dashboard.tasks.build_export_task"] == "exports"
    assert queues["dashboard.tasks.build_hearing_pack_task"] == "exports"
    assert {queues[n] for n in queues if n.startswith("notifications.")} == {"mail"}
    assert {queues[n] for n in queues if n.startswith("schedules.")} == {"default"}
    assert set(queues.values()) == {"default", "mail", "exports"}


@pytest.fixture(params=["redis", "rabbitmq"])
def broker_url(request):
    need_postgres()
    if request.param == "redis":
        server = RedisServer()
        server.start()
        yield server.url
        server.stop()
    else:
        with rabbitmq_vhost() as url:
            yield url


@pytest.fixture
def scorelines_held():
    """A connection of the test's own holding scoring_scoreline locked (ACCESS EXCLUSIVE):
    every export reads that table, so an export started now waits until it is released.
    Nothing a reminder or its e-mail does touches it."""
    db = connection.settings_dict
    holder = psycopg2.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db["PASSWORD"],
        dbname=db["NAME"],
    )
    cursor = holder.cursor()
    cursor.execute(f"LOCK TABLE {ScoreLine._meta.db_table} IN ACCESS EXCLUSIVE MODE")
    yield holder
    holder.rollback()
    holder.close()


def test_a_long_export_never_delays_a_reminder(cast, period, broker_url, scorelines_held, tmp_path):
    env = {"CELERY_BROKER_URL": broker_url, "MEDIA_ROOT": str(tmp_path)}
    with (
        gunicorn(**env) as (base, _proc),
        worker("exports", **env),
        worker("default", **env),
        worker("mail", **env),
    ):
        admin = browser_for(cast.admin)
        assert requests.get(base + "/healthz/", timeout=60).json()["broker"] == "ok"  # the first: workers boot
        asked = admin.post(
            base + reverse("dashboard:export_create"),
            data={"kind": "excel", "period": period.pk},
            allow_redirects=False,
            timeout=20,
        )
        assert asked.status_code == 302, asked.text[:500]
        export = Export.objects.get(period=period)
        wait_for(lambda: Export.objects.filter(pk=export.pk, status="running").exists(), "the export to start")

        # The export's worker is busy for as long as the lock is held; a reminder now:
        asked = admin.post(
            base + reverse("schedules:period_action", args=[period.pk]),
            data={"action": "remind"},
            allow_redirects=False,
            timeout=20,
        )
        assert asked.status_code == 302
        run = JobRun.objects.get(job=Job.REMIND_NOW)
        wait_for(lambda: JobRun.objects.filter(pk=run.pk, state="done").exists(), "the reminders")
        reminded = Notification.objects.filter(kind="deadline_reminder")
        assert set(reminded.values_list("recipient", flat=True)) >= {cast.secretary_a.pk, cast.secretary_b.pk}
        wait_for(lambda: not reminded.filter(emailed_at__isnull=True).exists(), "the reminders' e-mails")
        export.refresh_from_db()
        assert export.status == "running"  # all the while

        scorelines_held.rollback()  # the export may go on now
        wait_for(lambda: Export.objects.filter(pk=export.pk, status="done").exists(), "the export to finish")
