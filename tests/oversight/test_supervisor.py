"""The 纪检监察组 (监督责任): sees every unit, report, rectification, notice and appraisal
result, read-only — never an individual ballot — and may issue notices and raise
rectifications; it cannot edit or review reports."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from appraisals import services as appraisal_services
from assessments import permissions as report_permissions
from assessments import services as report_services
from oversight import services
from tests.appraisals.conftest import build_panel, vote_hand_example
from tests.oversight.conftest import in_days, photo

pytestmark = pytest.mark.django_db


def test_supervisor_reads_every_unit_report_rectification_and_notice(client_as, cast, rectification, notice, report_b):
    client = client_as("supervisor")
    assert "乙党支部" in client.get(reverse("responsibilities:units")).content.decode()
    assert client.get(reverse("assessments:report", args=[report_b.pk])).status_code == 200
    listing = client.get(reverse("oversight:rectifications")).content.decode()
    assert "缺少会议记录" in listing
    assert client.get(reverse("oversight:rectification", args=[rectification.pk])).status_code == 200
    assert notice.label in client.get(reverse("oversight:notices")).content.decode()
    page = client.get(reverse("oversight:notice", args=[notice.pk])).content.decode()
    assert "督办内容" in page
    assert "提交办理情况反馈" not in page and 'value="close"' not in page  # neither the unit's nor the issuer's forms


def test_supervisor_cannot_file_or_review_reports(cast, report_b):
    assert not report_permissions.can_review(cast.supervisor, report_b)
    assert not report_permissions.can_file(cast.supervisor, report_b)
    with pytest.raises(PermissionDenied):
        report_services.save_report(report_id=report_b.pk, actor=cast.supervisor, content="代填")
    report_services.submit_report(report_id=report_b.pk, actor=cast.secretary_b, content="已学习")
    with pytest.raises(PermissionDenied):
        report_services.return_report(report_id=report_b.pk, actor=cast.supervisor, comment="退回")


def test_supervisor_raises_and_issues_but_does_not_act_for_the_unit_or_verify_others(cast, rectification, notice):
    mine = services.raise_rectification(
        actor=cast.supervisor, unit=cast.unit_b, problem="公务接待超标", measure="清退", deadline=in_days(10)
    )
    issued = services.issue_notice(
        actor=cast.supervisor, unit=cast.unit_b, subject="督办", body="请说明", deadline=in_days(5)
    )
    assert issued.issued_by == cast.supervisor
    services.report_rectification_done(
        rectification_id=mine.pk, actor=cast.secretary_b, completion="已清退", uploads=[photo()]
    )
    services.verify_rectification(rectification_id=mine.pk, actor=cast.supervisor)  # its own: yes
    services.report_rectification_done(
        rectification_id=rectification.pk, actor=cast.secretary_a, completion="已补齐", uploads=[photo()]
    )
    with pytest.raises(PermissionDenied):  # the leader's: no
        services.verify_rectification(rectification_id=rectification.pk, actor=cast.supervisor)
    with pytest.raises(PermissionDenied):
        services.close_notice(notice_id=notice.pk, actor=cast.supervisor)
    with pytest.raises(PermissionDenied):
        services.reply_to_notice(notice_id=notice.pk, actor=cast.supervisor, reply="代回复")


def test_supervisor_sees_published_appraisal_results_but_no_ballot(client_as, cast):
    panel = build_panel(cast)
    vote_hand_example(panel)
    appraisal_services.close_round(round_id=panel.round.pk, actor=cast.admin)
    client = client_as("supervisor")
    assert client.get(reverse("appraisals:results", args=[panel.round.pk])).status_code == 403  # not yet published
    appraisal_services.publish_round(round_id=panel.round.pk, actor=cast.admin)
    results = client.get(reverse("appraisals:results", args=[panel.round.pk])).content.decode()
    assert "88.2" in results and "甲书记" in results
    assert client.get(reverse("appraisals:result", args=[panel.a.pk])).status_code == 200
    assert client.post(reverse("appraisals:publish", args=[panel.round.pk])).status_code == 403
    assert client.post(reverse("appraisals:finding_add", args=[panel.a.pk]), {"text": "x"}).status_code == 403
    # The page that lists raters is the admin's; the supervisor sees no names of raters.
    round_page = client.get(reverse("appraisals:round", args=[panel.round.pk])).content.decode()
    assert all(rater.display_name not in round_page for rater in panel.committee + panel.peers)
