import pytest
from django.conf import settings
from django.urls import reverse

from assessments import services
from assessments.models import Evidence, Report, ReportEvent
from tests.assessments import files

pytestmark = pytest.mark.django_db
MAY_DOWNLOAD = {"admin", "leader", "other_leader", "supervisor", "secretary_a"}


@pytest.fixture
def evidence_a(cast, report_a):
    return services.add_evidence(
        report_id=report_a.pk,
        actor=cast.secretary_a,
        upload=files.upload("会议纪要.pdf", files.pdf()),
        description="支部委员会会议纪要",
        work_date=report_a.period.opens_on,
    )


@pytest.mark.parametrize(
    "role", ["anonymous", "admin", "leader", "other_leader", "secretary_a", "secretary_b", "supervisor"]
)
def test_download_answers_each_role(client_as, evidence_a, role):
    response = client_as(role).get(reverse("assessments:evidence_download", args=[evidence_a.pk]))
    if role == "anonymous":
        assert response.status_code == 302 and reverse("login") in response["Location"]
    elif role in MAY_DOWNLOAD:
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == files.pdf()
        assert response["Content-Disposition"].startswith("attachment;")
        assert "filename*=utf-8''%E4%BC%9A%E8%AE%AE%E7%BA%AA%E8%A6%81.pdf" in response["Content-Disposition"]
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
    else:
        assert response.status_code == 404


def test_files_have_no_public_address(client, evidence_a):
    assert not evidence_a.file.name.startswith(("/", ".."))
    assert client.get(f"{settings.MEDIA_URL}{evidence_a.file.name}").status_code == 404
    assert client.get(f"/media/{evidence_a.file.name}").status_code == 404


def test_unknown_or_removed_evidence_is_404(client_as, cast, evidence_a):
    client = client_as("admin")
    assert client.get(reverse("assessments:evidence_download", args=[999999])).status_code == 404
    services.remove_evidence(evidence_id=evidence_a.pk, actor=cast.secretary_a)
    assert client.get(reverse("assessments:evidence_download", args=[evidence_a.pk])).status_code == 404


def remove(client, evidence, **extra):
    return client.post(reverse("assessments:evidence_remove", args=[evidence.pk]), **extra)


def test_the_unit_removes_a_file_and_the_removal_is_an_event(client_as, evidence_a):
    response = remove(client_as("secretary_a"), evidence_a, follow=True)
    assert "已移除“会议纪要.pdf”，移除操作已记入办理记录。" in response.content.decode()
    evidence_a.refresh_from_db()
    assert evidence_a.removed_at is not None  # the row and the file stay (nothing is deleted)
    assert evidence_a.file.storage.exists(evidence_a.file.name)
    event = ReportEvent.objects.filter(action="evidence_removed").get()
    assert event.comment == "会议纪要.pdf" and event.actor.username == "sec_a"
    assert "会议纪要.pdf" not in response.content.decode().split('id="timeline"')[0].split('id="evidence"')[1]


@pytest.mark.parametrize(("role", "status"), [("secretary_b", 404), ("leader", 403), ("supervisor", 403)])
def test_others_may_not_remove(client_as, evidence_a, role, status):
    assert remove(client_as(role), evidence_a).status_code == status
    assert Evidence.objects.filter(removed_at__isnull=True).count() == 1


def test_no_removal_once_submitted(client_as, cast, report_a, evidence_a):
    services.submit_report(report_id=report_a.pk, actor=cast.secretary_a, content="已完成")
    response = remove(client_as("secretary_a"), evidence_a, follow=True)
    assert "该报告当前状态为“已提交”，操作未执行" in response.content.decode()
    assert Evidence.objects.filter(removed_at__isnull=True).count() == 1
    page = client_as("secretary_a").get(reverse("assessments:report", args=[report_a.pk])).content.decode()
    assert reverse("assessments:evidence_remove", args=[evidence_a.pk]) not in page


def test_htmx_removal_swaps_the_list_or_says_why_not(client_as, cast, report_a, evidence_a):
    second = services.add_evidence(
        report_id=report_a.pk,
        actor=cast.secretary_a,
        upload=files.upload("照片.png", files.png()),
        description="现场照片",
        work_date=report_a.period.opens_on,
    )
    response = remove(client_as("secretary_a"), evidence_a, headers={"HX-Request": "true"})
    assert response.status_code == 200 and "已移除“会议纪要.pdf”" in response.content.decode()
    Report.objects.filter(pk=report_a.pk).update(state=Report.State.SUBMITTED)
    refused = remove(client_as("secretary_a"), second, headers={"HX-Request": "true"})
    assert refused.status_code == 422 and "操作未执行" in refused.content.decode()
    assert remove(client_as("secretary_a"), evidence_a).status_code == 404  # already removed
    assert Evidence.objects.filter(removed_at__isnull=True).get() == second
