"""The 述职 report: written and submitted by the secretary, answering last year's findings."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from appraisals import services
from appraisals.models import Appraisee
from core.attachments import EvidenceError
from core.errors import TransitionError
from oversight.demo import PIXEL
from tests.appraisals.conftest import build_panel

pytestmark = pytest.mark.django_db


def test_secretary_saves_then_submits_and_the_report_is_then_final(panel, cast):
    services.save_report(appraisee_id=panel.a.pk, actor=cast.secretary_a, report="草稿")
    with pytest.raises(TransitionError):
        services.save_report(appraisee_id=panel.a.pk, actor=cast.secretary_a, report="  ", submit=True)
    services.save_report(appraisee_id=panel.a.pk, actor=cast.secretary_a, report="全年召开支委会 12 次", submit=True)
    panel.a.refresh_from_db()
    assert panel.a.is_submitted and panel.a.report == "全年召开支委会 12 次"
    with pytest.raises(TransitionError):
        services.save_report(appraisee_id=panel.a.pk, actor=cast.secretary_a, report="改写")


def test_nobody_else_writes_a_secretarys_report(panel, cast):
    for person in (cast.secretary_b, cast.admin, cast.leader):
        with pytest.raises(PermissionDenied):
            services.save_report(appraisee_id=panel.a.pk, actor=person, report="代写")


def test_last_years_findings_must_be_answered_before_submitting(cast, client):
    last = build_panel(cast)
    services.close_round(round_id=last.round.pk, actor=cast.admin)
    services.add_finding(appraisee_id=last.a.pk, actor=cast.admin, text="会议记录不完整")
    services.publish_round(round_id=last.round.pk, actor=cast.admin)
    this_year = services.create_round(year=last.round.year + 1, actor=cast.admin)
    mine = Appraisee.objects.get(round=this_year, person=cast.secretary_a)
    this_year.state = "open"  # its panel does not matter here
    this_year.save()

    client.force_login(cast.secretary_a)
    page = client.get(reverse("appraisals:report", args=[mine.pk])).content.decode()
    assert "会议记录不完整" in page and "上年问题整改情况" in page  # the findings beside the form
    with pytest.raises(TransitionError, match="整改情况"):
        services.save_report(appraisee_id=mine.pk, actor=cast.secretary_a, report="述职", submit=True)
    response = client.post(reverse("appraisals:report", args=[mine.pk]), {"report": "述职", "action": "submit"})
    assert "提交前请说明上年评议问题的整改情况" in response.content.decode()
    client.post(
        reverse("appraisals:report", args=[mine.pk]), {"report": "述职", "answers": "已规范记录", "action": "submit"}
    )
    mine.refresh_from_db()
    assert mine.is_submitted and mine.answers == "已规范记录"
    # B had no findings: submitting needs no answer.
    theirs = Appraisee.objects.get(round=this_year, person=cast.secretary_b)
    services.save_report(appraisee_id=theirs.pk, actor=cast.secretary_b, report="述职", submit=True)


def test_evidence_is_checked_and_only_the_secretary_attaches_it(panel, cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    photo = SimpleUploadedFile("照片.png", PIXEL, content_type="image/png")
    evidence = services.add_evidence(
        appraisee_id=panel.a.pk, actor=cast.secretary_a, upload=photo, description="支委会"
    )
    assert evidence.original_name == "照片.png" and evidence.extension == ".png"
    fake = SimpleUploadedFile("报告.pdf", b"not a pdf at all", content_type="application/pdf")
    with pytest.raises(EvidenceError):
        services.add_evidence(appraisee_id=panel.a.pk, actor=cast.secretary_a, upload=fake)
    with pytest.raises(PermissionDenied):
        services.add_evidence(appraisee_id=panel.a.pk, actor=cast.secretary_b, upload=photo)
    assert panel.a.evidence.count() == 1


def test_report_evidence_downloads_for_those_who_may_read_the_report(panel, cast, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    photo = SimpleUploadedFile("照片.png", PIXEL, content_type="image/png")
    evidence = services.add_evidence(appraisee_id=panel.a.pk, actor=cast.secretary_a, upload=photo)
    url = reverse("appraisals:evidence", args=[evidence.pk])
    for person, status in (
        (cast.secretary_a, 200),
        (cast.supervisor, 200),
        (panel.peers[0], 200),
        (cast.secretary_b, 404),
    ):
        client.force_login(person)
        response = client.get(url)
        assert response.status_code == status, person
        if status == 200:
            assert b"".join(response.streaming_content) == PIXEL
