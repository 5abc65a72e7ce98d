"""An export whose worker died does not stay "being built" for ever (issue 11, item 5).

The build stamps a heartbeat while it runs; a RUNNING export whose heartbeat is older than
``MINGZE_EXPORT_STALL_SECONDS`` is stalled: the next request for it, or the periodic sweep,
marks it failed and builds a new one, and a redelivered task takes a stalled export over.
The first test does it for real: a Celery worker is killed (SIGKILL) in the middle of a
build, and a new worker finishes the export on its own, through Redis's redelivery.
"""

import datetime
import os
import signal
import time

import pytest
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from dashboard import services
from dashboard.models import Export
from dashboard.tasks import build_export_task, sweep_stalled_exports
from schedules.beat import SCHEDULE
from tests.schedules.test_real_worker import queue, wait_for, worker  # noqa: F401  (queue is a fixture)


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def stalled(data, *, kind=Export.Kind.EXCEL, user=None, seconds=3600) -> Export:
    """An export that a worker claimed and then stopped stamping ``seconds`` ago."""
    long_ago = timezone.now() - datetime.timedelta(seconds=seconds)
    return Export.objects.create(
        kind=kind,
        period=data.cur,
        unit=None,
        requested_by=user,
        status=Export.Status.RUNNING,
        progress=40,
        heartbeat_at=long_ago,
        language="zh-hans",
    )


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_export_is_replaced_and_the_export_finishes_on_its_own(data, queue):  # noqa: F811
    export = Export.objects.create(kind=Export.Kind.EXCEL, period=data.cur, unit=None)
    build_export_task.apply_async(args=[export.pk], queue=queue)
    # Short times for the test: the build counts as stalled after 2 s without a stamp, and
    # Redis hands an unacknowledged task to another worker after 3 s.
    env = {"MINGZE_EXPORT_STALL_SECONDS": "2", "CELERY_VISIBILITY_TIMEOUT": "3"}
    with transaction.atomic():
        # Hold the reports so the build stops in the middle (claimed, stamped, reading).
        with connection.cursor() as cursor:
            cursor.execute("LOCK TABLE assessments_report IN ACCESS EXCLUSIVE MODE")
        with worker(queue, **env) as first:
            wait_for(lambda: Export.objects.filter(pk=export.pk, status=Export.Status.RUNNING).exists(), "the claim")
            os.kill(first.pid, signal.SIGKILL)
            first.wait()
    time.sleep(3.5)  # the task's visibility timeout runs out (and the export's 2 s of silence)
    assert Export.objects.get(pk=export.pk).status == Export.Status.RUNNING  # what the dead worker left
    with worker(queue, **env):
        wait_for(lambda: Export.objects.filter(pk=export.pk, status=Export.Status.DONE).exists(), "the rebuild")
    done = Export.objects.get(pk=export.pk)
    assert done.progress == 100 and done.file.name.endswith(".xlsx")
    assert Export.objects.count() == 1


@pytest.mark.django_db
def test_a_redelivered_task_takes_a_stalled_export_over_but_leaves_a_live_one_alone(data, settings):
    settings.MINGZE_EXPORT_STALL_SECONDS = 60
    old = stalled(data, seconds=120)
    assert services.build_export(export_id=old.pk).status == Export.Status.DONE
    live = stalled(data, seconds=5)
    assert services.build_export(export_id=live.pk) is None
    assert Export.objects.get(pk=live.pk).status == Export.Status.RUNNING


@pytest.mark.django_db
def test_progress_stamps_the_heartbeat(data):
    export = stalled(data)
    before = export.heartbeat_at
    services.set_progress(export.pk, 50)
    export.refresh_from_db()
    assert export.progress == 50 and export.heartbeat_at > before


@pytest.mark.django_db
def test_the_sweep_fails_a_stalled_export_and_builds_it_again(data, cast, settings, django_capture_on_commit_callbacks):
    settings.MINGZE_EXPORT_STALL_SECONDS = 60
    old = stalled(data, user=cast.leader)
    fresh = stalled(data, kind=Export.Kind.PDF, seconds=5)
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep_stalled_exports() == 1  # eager in tests: the rebuild runs at once
    old.refresh_from_db()
    assert old.status == Export.Status.FAILED and old.error and old.finished_at
    rebuilt = Export.objects.exclude(pk__in=[old.pk, fresh.pk]).get()
    assert (rebuilt.kind, rebuilt.requested_by, rebuilt.language, rebuilt.status) == (
        old.kind,
        cast.leader,
        old.language,
        Export.Status.DONE,
    )
    assert Export.objects.get(pk=fresh.pk).status == Export.Status.RUNNING


def test_the_sweep_is_in_the_beat_schedule():
    assert "dashboard.sweep_stalled_exports" in {entry.task for entry in SCHEDULE}


@pytest.mark.django_db
def test_asking_again_for_a_stalled_export_builds_a_new_one(client_as, data, settings):
    settings.MINGZE_EXPORT_STALL_SECONDS = 60
    old = stalled(data)
    client_as("leader").post(reverse("dashboard:export_create"), {"period": data.cur.pk, "kind": "excel"})
    assert Export.objects.get(pk=old.pk).status == Export.Status.FAILED
    assert Export.objects.exclude(pk=old.pk).get().kind == Export.Kind.EXCEL


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["admin", "leader", "supervisor"])
def test_the_panel_shows_a_failure_with_a_retry_button(
    client_as, data, role, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    failed = stalled(data)
    Export.objects.filter(pk=failed.pk).update(status=Export.Status.FAILED, error="worker lost")
    client = client_as(role)
    with django_assert_max_num_queries(12):
        panel = client.get(reverse("dashboard:exports"), {"period": data.cur.pk}).content.decode()
    assert "生成失败" in panel and 'data-retry="excel"' in panel and "重新生成" in panel
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("dashboard:export_create"), {"period": data.cur.pk, "kind": "excel"})
    assert Export.objects.filter(status=Export.Status.DONE).count() == 1


@pytest.mark.django_db
def test_a_secretary_sees_no_retry_for_the_whole_organizations_export(client_as, data):
    failed = stalled(data)
    Export.objects.filter(pk=failed.pk).update(status=Export.Status.FAILED)
    panel = client_as("secretary_a").get(reverse("dashboard:exports"), {"period": data.cur.pk})
    assert panel.status_code == 200  # their own branch's panel
    assert "data-retry" not in panel.content.decode() and "生成失败" not in panel.content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_long_step_keeps_the_heartbeat_going(data, settings):
    """One step longer than the stall time (a big PDF's rendering) is not a dead worker."""
    settings.MINGZE_EXPORT_STALL_SECONDS = 2
    export = stalled(data, seconds=0)
    past_the_stall_time = export.heartbeat_at + datetime.timedelta(seconds=2)
    with services.heartbeat(export.pk):
        # No progress stamped meanwhile: the export, older than the stall time, is stamped
        # again and not taken for a dead worker. Waited for, not slept: on a loaded machine
        # the heartbeat's thread may be late, and a fixed sleep catches it between stamps.
        running = Export.objects.filter(pk=export.pk, heartbeat_at__gt=past_the_stall_time)
        wait_for(lambda: running.exclude(services._stalled()).exists(), "a stamp past the stall time")
    assert Export.objects.get(pk=export.pk).status == Export.Status.RUNNING
