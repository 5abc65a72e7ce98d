"""Hostile input against every form and upload: each case gets a clear message or a 4xx,
never a 500, leaves the data as it was when refused, and comes back escaped when shown."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments.models import Evidence, Period, Report
from tests.oversight.matrix import appraisal_and_oversight_forms
from tests.trust.test_permission_matrix import fingerprint

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert('x')</script>"
TEXTS = [
    "",
    "   ",
    "x" * 100_000,
    SCRIPT,
    "<img src=x onerror=alert(1)>",
    "'; DROP TABLE assessments_report; --",
    "1 OR 1=1",
    "\x00\x01\x1b[31m",
    "\u202e\u200b控制字符",
    "𠀀𪚥",
]
NUMBERS = ["-1", "0", "99999999999999999999", "1e309", "NaN", "abc", "1.5", "-99999"]
DATES = ["2026-13-45", "0001-01-01", "9999-12-31", "yesterday", "2026/07/10", ""]


def ids(cast):
    """IDs of other units' objects, and IDs that do not exist, for every id-like field."""
    other = Report.objects.filter(unit=cast.unit_b).first()
    return [str(cast.unit_b.pk), str(other.pk) if other else "1", "999999999", "-5", "abc", "1;2"]


def forms(cast, period, report_a):
    """(url name, kwargs, role, state to put report A in, base data, {field: kind})."""
    report = {"pk": report_a.pk}
    year = cast.checklist.year
    return [
        (
            "assessments:report_file",
            report,
            "secretary_a",
            "draft",
            {"content": "开展专题学习", "self_assessment": "good", "action": "save"},
            {"content": "text", "self_assessment": "text", "action": "text"},
        ),
        (
            "assessments:report_review",
            report,
            "leader",
            "submitted",
            {"action": "approve", "approve-grade": "good", "approve-comment": ""},
            {"approve-grade": "text", "approve-comment": "text", "action": "text"},
        ),
        (
            "assessments:report_review",
            report,
            "leader",
            "submitted",
            {"action": "return", "return-comment": "请补充"},
            {"return-comment": "text"},
        ),
        (
            "assessments:report_reopen",
            report,
            "admin",
            "approved",
            {"reopen-reason": "材料不符"},
            {"reopen-reason": "text"},
        ),
        ("assessments:report_waive", report, "admin", "locked", {"waive-reason": "出差"}, {"waive-reason": "text"}),
        (
            "responsibilities:bulk_assign",
            {},
            "admin",
            "draft",
            {"duties": str(report_a.assignment.duty_id), "units": str(cast.unit_a.pk), "action": "preview"},
            {"duties": "id", "units": "id", "all_branches": "text"},
        ),
        (
            "schedules:periods",
            {},
            "admin",
            "draft",
            {"year": str(year + 3), "half": "1", "grace_days": "5"},
            {"year": "number", "half": "number", "grace_days": "number"},
        ),
        (
            "schedules:period_edit",
            {"pk": period.pk},
            "admin",
            "draft",
            {
                "opens_on": str(period.opens_on),
                "due_on": str(period.due_on),
                "grace_days": "5",
                "review_due_on": str(period.review_due_on),
            },
            {"opens_on": "date", "due_on": "date", "grace_days": "number", "review_due_on": "date"},
        ),
        ("schedules:period_action", {"pk": period.pk}, "admin", "draft", {"action": "remind"}, {"action": "text"}),
        (
            "scoring:bonuses",
            {},
            "admin",
            "draft",
            {"period": str(period.pk), "unit": str(cast.unit_a.pk), "points": "2", "reason": "先进典型"},
            {"period": "id", "unit": "id", "points": "number", "reason": "text"},
        ),
        (
            "dashboard:export_create",
            {},
            "leader",
            "draft",
            {"kind": "excel", "period": str(period.pk), "unit": str(cast.unit_a.pk)},
            {"kind": "text", "period": "id", "unit": "id"},
        ),
        *appraisal_and_oversight_forms(cast, report_a),
        *task_forms(cast),
        (
            "password_change",
            {},
            "secretary_a",
            "draft",
            {"old_password": "pw-for-tests", "new_password1": "Long-enough-2026", "new_password2": "Long-enough-2026"},
            {"old_password": "text", "new_password1": "text", "new_password2": "text"},
        ),
    ]


def task_forms(cast) -> list[tuple]:
    """交办: handing a task on, and returning a reply (its comment and new deadline)."""
    from tests.assessments.tasks_support import in_days, replied_task

    task = replied_task(cast)
    good = {"unit": str(cast.unit_a.pk), "subject": "任务", "body": "要求", "deadline": str(in_days(5))}
    return [
        (
            "assessments:task_new",
            {},
            "admin",
            "draft",
            good,
            {"unit": "id", "post": "id", "subject": "text", "body": "text", "deadline": "date"},
        ),
        (
            "assessments:task_settle",
            {"pk": task.pk},
            "admin",
            "draft",
            {"action": "return", "comment": "补充附件", "deadline": str(in_days(5))},
            {"comment": "text", "deadline": "date"},
        ),
    ]


def values(kind, cast):
    return {"text": TEXTS, "number": NUMBERS + TEXTS[:4], "date": DATES + TEXTS[3:5], "id": ids(cast)}[kind]


def post(client, url, data, files=None):
    with transaction.atomic():
        before = fingerprint()
        response = client.post(url, {**data, **(files or {})})
        after = fingerprint()
        transaction.set_rollback(True)
    return response, before == after


def test_hostile_values_in_every_form_field(client, cast, period, report_a, capsys):
    tried = failed = 0
    problems = []
    for name, kwargs, role, state, base, fields in forms(cast, period, report_a):
        Report.objects.filter(pk=report_a.pk).update(state=state, content="已有内容")
        client.force_login(cast.by_role(role))
        url = reverse(name, kwargs=kwargs)
        for field, kind in fields.items():
            for value in values(kind, cast):
                tried += 1
                response, unchanged = post(client, url, {**base, field: value})
                code = response.status_code
                shown = response.content.decode(errors="replace") if code == 200 else ""
                if code >= 500 or SCRIPT in shown or (code in (200, 400) and not unchanged and code != 200):
                    failed += 1
                    problems.append(f"{name} {field}={value[:30]!r}: {code}")
    with capsys.disabled():
        print(f"\nhostile input: {tried} cases tried, {failed} failed")
    assert problems == []


def test_script_in_a_report_comes_back_escaped(client, cast, report_a):
    client.force_login(cast.secretary_a)
    client.post(reverse("assessments:report_file", args=[report_a.pk]), {"content": SCRIPT, "action": "save"})
    assert Report.objects.get(pk=report_a.pk).content == SCRIPT  # kept as typed
    page = client.get(reverse("assessments:report", args=[report_a.pk])).content.decode()
    assert SCRIPT not in page and "&lt;script&gt;" in page


def test_a_post_without_csrf_token_is_refused(cast, report_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.secretary_a)
    response = client.post(reverse("assessments:report_file", args=[report_a.pk]), {"content": "x", "action": "save"})
    assert response.status_code == 403
    assert Report.objects.get(pk=report_a.pk).content == ""


def test_replaying_a_review_after_the_state_changed_is_refused_plainly(client, cast, report_a):
    Report.objects.filter(pk=report_a.pk).update(state="submitted", content="内容")
    client.force_login(cast.leader)
    url = reverse("assessments:report_review", args=[report_a.pk])
    data = {"action": "approve", "approve-grade": "good"}
    first = client.post(url, data)
    events = report_a.events.count()
    again = client.post(url, data, follow=True)
    assert first.status_code == 302 and again.status_code < 500
    assert report_a.events.count() == events
    assert "已通过" in again.content.decode()


def zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        package.writestr("xl/workbook.xml", "<workbook/>")
        package.writestr("xl/worksheets/sheet1.xml", b"\0" * (300 * 1024 * 1024))
    return buffer.getvalue()


UPLOADS = [
    ("report.pdf", b"MZ\x90\x00 this is an exe", "content does not match"),
    ("photo.jpg", b"%PDF-1.4 not a jpeg", "content does not match"),
    ("empty.pdf", b"", "empty"),
    ("../../etc/passwd.pdf", b"root:x:0:0", "content does not match"),
    ("\u202egnp.exe", b"MZ", "type"),
    ("a" * 300 + ".exe", b"MZ", "type"),
    ("bomb.xlsx", None, "unpacks"),
]


@pytest.mark.parametrize(("name", "content", "why"), UPLOADS, ids=[u[2] + str(i) for i, u in enumerate(UPLOADS)])
def test_bad_uploads_are_refused_with_a_reason_and_store_nothing(
    client, cast, report_a, settings, tmp_path, name, content, why
):
    settings.MEDIA_ROOT = str(tmp_path)
    content = zip_bomb() if content is None else content
    client.force_login(cast.secretary_a)
    response = client.post(
        reverse("assessments:evidence_add", args=[report_a.pk]),
        {"description": "材料", "work_date": str(timezone.localdate()), "file": SimpleUploadedFile(name, content)},
    )
    assert 400 <= response.status_code < 500 or response.status_code == 200
    assert not Evidence.objects.exists()
    assert not any(tmp_path.rglob("*.*"))
    assert Period.objects.count() == 1


def test_oversize_upload_is_refused(client, cast, report_a, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.MINGZE_EVIDENCE_MAX_BYTES = 1024
    client.force_login(cast.secretary_a)
    response = client.post(
        reverse("assessments:evidence_add", args=[report_a.pk]),
        {
            "description": "材料",
            "work_date": str(timezone.localdate()),
            "file": SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * 4096),
        },
    )
    assert response.status_code in (200, 400) and "MB" in response.content.decode()
    assert not Evidence.objects.exists()


def test_another_units_id_in_a_form_changes_nothing(client, cast, period):
    from dashboard.models import Export

    client.force_login(cast.secretary_a)
    response = client.post(
        reverse("dashboard:export_create"), {"kind": "excel", "period": period.pk, "unit": cast.unit_b.pk}
    )
    assert response.status_code in (403, 404)
    assert not Export.objects.exists()
