"""The security log: what it records, that it is kept at least 180 days (the purge takes
only older entries), searched and exported by the 审计管理员, and chained into the trail."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts import roles
from accounts.models import SecurityEvent
from accounts.security import purge, record, retention_days
from audit.chain import verify
from audit.models import AuditLink
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
Kind = SecurityEvent.Kind


def kinds(username):
    return list(SecurityEvent.objects.filter(username=username).order_by("id").values_list("kind", flat=True))


def test_sign_in_failure_lockout_password_and_role_changes_are_recorded(client):
    person = UserFactory(username="someone", roles=[roles.SECRETARY])
    assert kinds("someone") == [Kind.ROLES_CHANGED]
    client.post(reverse("login"), {"username": "someone", "password": "pw-for-tests"})
    client.post(reverse("logout"))
    for _ in range(5):
        client.post(reverse("login"), {"username": "someone", "password": "wrong"})
    person.set_password("Another-pass-2026")
    person.save()
    person.groups.clear()
    logged = kinds("someone")
    assert logged[:3] == [Kind.ROLES_CHANGED, Kind.SIGN_IN, Kind.SIGN_OUT]
    # The fifth failure and the lock-out it causes, in the order axes signals them.
    assert sorted(logged[3:9]) == sorted([Kind.SIGN_IN_FAILED] * 5 + [Kind.LOCKED_OUT])
    assert logged[9:] == [Kind.PASSWORD_CHANGED, Kind.ROLES_CHANGED]
    assert SecurityEvent.objects.filter(username="someone", kind=Kind.SIGN_IN).get().ip_address == "127.0.0.1"


def test_every_entry_is_chained_and_the_chain_verifies():
    UserFactory(username="someone", roles=[roles.SECRETARY])
    record(Kind.EXPORT_DOWNLOADED, username="someone", detail="export 1")
    linked = AuditLink.objects.filter(organization="security")
    assert linked.count() == SecurityEvent.objects.count() == 2
    checked, problems = verify()
    assert problems == [] and checked >= 2
    SecurityEvent.objects.filter(kind=Kind.EXPORT_DOWNLOADED).update(detail="export 2")  # tampering
    _checked, problems = verify()
    assert problems and "edited" in str(problems[0])


def test_entries_are_kept_180_days_and_the_purge_takes_only_older_ones(settings, time_machine):
    settings.MINGZE_SECURITY_LOG_DAYS = 30  # too short: raised to 180
    assert retention_days() == 180
    time_machine.move_to(timezone.now() - datetime.timedelta(days=200))
    record(Kind.SIGN_IN, username="old")
    time_machine.move_to(timezone.now() + datetime.timedelta(days=21))  # 179 days ago
    record(Kind.SIGN_IN, username="recent")
    time_machine.move_to(timezone.now() + datetime.timedelta(days=179))
    assert purge() == 1
    assert list(SecurityEvent.objects.values_list("username", flat=True)) == ["recent"]
    # A purged entry past its retention is not a break in the chain.
    _checked, problems = verify()
    assert problems == []


def test_the_purge_runs_as_a_scheduled_job(db):
    from django_celery_beat.models import PeriodicTask

    from schedules.beat import sync_schedules

    sync_schedules()
    task = PeriodicTask.objects.get(name="mingze: purge security log")
    assert task.task == "accounts.purge_security_log" and task.enabled
    call_command("purge_security_log")


@pytest.fixture
def auditor(client):
    user = UserFactory(username="shenji", roles=[roles.AUDIT_ADMIN])
    client.force_login(user)
    return client


def test_the_auditor_searches_the_log(auditor, django_assert_max_num_queries):
    for name in ("alpha", "beta"):
        record(Kind.SIGN_IN_FAILED, username=name)
    with django_assert_max_num_queries(8):
        page = auditor.get(reverse("audit:security_log"), {"q": "alph", "kind": "sign_in_failed"})
    rows = list(page.context["page"])
    assert [row.username for row in rows] == ["alpha"]
    assert auditor.get(reverse("audit:security_log"), {"start": "not a date"}).status_code == 400


def test_the_auditor_exports_the_log_to_excel(auditor, django_assert_max_num_queries):
    record(Kind.SIGN_IN, username="alpha")
    # Reading the log, and writing (and chaining) the entry that says it was exported.
    with django_assert_max_num_queries(14):
        response = auditor.get(reverse("audit:security_log_export"), {"q": "alpha"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[1][2] == "alpha" and len(values) == 2
    assert SecurityEvent.objects.filter(kind=Kind.EXPORT_DOWNLOADED, username="shenji").exists()


def test_the_auditor_reads_the_trail(auditor, django_assert_max_num_queries):
    record(Kind.SIGN_IN, username="alpha")
    with django_assert_max_num_queries(8):
        page = auditor.get(reverse("audit:trail"))
    assert page.status_code == 200 and "security" in page.content.decode()


def test_an_export_download_is_recorded(client, cast, settings, tmp_path):
    from django.core.files.base import ContentFile

    from dashboard.models import Export
    from tests.assessments.conftest import scheduled_period

    period = scheduled_period(cast)

    settings.MEDIA_ROOT = str(tmp_path)
    export = Export.objects.create(kind=Export.Kind.EXCEL, period=period, unit=None, status=Export.Status.DONE)
    export.file.save("e.xlsx", ContentFile(b"PK"), save=True)
    client.force_login(cast.leader)
    assert client.get(reverse("dashboard:export_download", kwargs={"token": export.token})).status_code == 200
    assert SecurityEvent.objects.filter(kind=Kind.EXPORT_DOWNLOADED, username=cast.leader.username).exists()
