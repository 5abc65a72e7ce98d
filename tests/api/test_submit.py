"""Filing through the API is filing through the page: the same service, so the same
events, notifications and audit links (issue 17, "Done when")."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from assessments.models import Report, ReportEvent
from audit.models import AuditLink
from notifications.models import Notification
from tests.assessments.files import png

pytestmark = pytest.mark.django_db


def trail(report: Report) -> dict:
    """What a submission leaves behind, in terms that do not depend on who or which unit."""
    events = list(ReportEvent.objects.filter(report=report).order_by("pk"))
    kind = ContentType.objects.get_for_model(ReportEvent)
    linked = AuditLink.objects.filter(content_type=kind, object_id__in=[e.pk for e in events]).count()
    report.refresh_from_db()
    return {
        "state": report.state,
        "events": [(e.action, e.from_state, e.to_state) for e in events],
        "audit_links": linked,
        "evidence": [(e.original_name, e.description) for e in report.evidence.all()],
        "notifications": sorted(
            (n.kind, n.recipient_id == report.unit.liaison.pk)
            for n in Notification.objects.filter(url__contains=f"/{report.pk}/")
        ),
        "responsible_is_submitter": report.responsible_id is not None,
    }


def test_api_submission_leaves_what_a_page_submission_leaves(
    cast, client, report_a, report_b, api_as, django_capture_on_commit_callbacks
):
    today = timezone.localdate().isoformat()
    # Secretary B files report B on the pages: a file, then the text, submitted.
    client.force_login(cast.secretary_b)
    upload = SimpleUploadedFile("照片.png", png(), content_type="image/png")
    response = client.post(
        reverse("assessments:evidence_add", kwargs={"pk": report_b.pk}),
        {"file": upload, "description": "会议照片", "work_date": today},
    )
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("assessments:report_file", kwargs={"pk": report_b.pk}),
            {"content": "召开专题会议", "self_assessment": "good", "action": "submit"},
        )
    assert response.status_code == 302
    # Secretary A files report A through the API with a token, in one request.
    api = api_as(cast.secretary_a)
    upload = SimpleUploadedFile("照片.png", png(), content_type="image/png")
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            reverse("api:report-submit", kwargs={"pk": report_a.pk}),
            {
                "content": "召开专题会议",
                "self_assessment": "good",
                "files": [upload],
                "description": "会议照片",
                "work_date": today,
            },
            format="multipart",
        )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == "submitted" and body["content"] == "召开专题会议"
    assert [e["original_name"] for e in body["evidence"]] == ["照片.png"]

    by_page, by_api = trail(report_b), trail(report_a)
    assert by_api == by_page
    assert by_api["events"] == [("evidence_added", "draft", "draft"), ("submit", "draft", "submitted")]
    assert by_api["audit_links"] == 2
    assert by_api["notifications"], "the liaison leader is told, as after a page submission"


def test_a_refused_submission_changes_nothing(cast, report_a, api_as):
    api = api_as(cast.secretary_a)
    url = reverse("api:report-submit", kwargs={"pk": report_a.pk})
    upload = SimpleUploadedFile("坏.exe", b"MZ\x90\x00" * 10, content_type="application/octet-stream")
    response = api.post(
        url,
        {"content": "内容", "files": [upload], "description": "x", "work_date": timezone.localdate().isoformat()},
        format="multipart",
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert "files" in response.json()["errors"]
    report_a.refresh_from_db()
    assert report_a.state == "draft" and not report_a.evidence.exists() and not report_a.events.exists()

    response = api.post(url, {"content": "   "}, format="json")
    assert response.status_code in (400, 409)
    assert response.json()["status"] == response.status_code

    assert api.post(url, {"content": "已完成"}, format="json").status_code == 200
    again = api.post(url, {"content": "再次"}, format="json")
    assert again.status_code == 409
    assert again.json()["title"] and again.json()["detail"]


def test_another_units_report_is_not_found_and_a_reader_may_not_file(cast, report_a, api_as):
    url = reverse("api:report-submit", kwargs={"pk": report_a.pk})
    assert api_as(cast.secretary_b).post(url, {"content": "x"}, format="json").status_code == 404
    assert api_as(cast.leader).post(url, {"content": "x"}, format="json").status_code == 403
    report_a.refresh_from_db()
    assert report_a.state == "draft"


def test_acknowledge_marks_ones_own_notification_read(cast, api_as):
    note = Notification.objects.create(recipient=cast.secretary_a, kind="test", title="提醒")
    url = reverse("api:notification-acknowledge", kwargs={"pk": note.pk})
    assert api_as(cast.secretary_b).post(url).status_code == 404
    response = api_as(cast.secretary_a).post(url)
    assert response.status_code == 200 and response.json()["read_at"]
    note.refresh_from_db()
    assert note.read_at is not None


def test_a_closed_periods_report_is_refused_with_a_409_and_nothing_changes(cast, report_a, api_as):
    """The API has no review endpoint; its one writing step on a report, submit, answers a
    closed period (frozen, DESIGN.md "Report life") with the guard's plain 409."""
    from assessments.models import Period

    Report.objects.filter(pk=report_a.pk).update(lock_waived=True)
    Period.objects.filter(pk=report_a.period_id).update(state=Period.State.CLOSED, closed_at=timezone.now())
    response = api_as(cast.secretary_a).post(
        reverse("api:report-submit", kwargs={"pk": report_a.pk}), {"content": "补交"}, format="json"
    )
    assert response.status_code == 409 and "关闭" in response.json()["detail"]
    report_a.refresh_from_db()
    assert report_a.state == "draft" and report_a.content == "" and not report_a.events.exists()
