import pytest
from django.urls import reverse

from assessments import services
from assessments.models import Report, ReportEvent
from tests.assessments import files
from tests.assessments.pages import count_queries

pytestmark = pytest.mark.django_db
SEES_EVERY_REPORT = {"admin", "leader", "other_leader", "supervisor"}


def page_of(report):
    return reverse("assessments:report", args=[report.pk])


@pytest.mark.parametrize(
    "role", ["anonymous", "admin", "leader", "other_leader", "secretary_a", "secretary_b", "supervisor"]
)
def test_report_page_answers_each_role(client_as, report_a, role):
    response = client_as(role).get(page_of(report_a))
    if role == "anonymous":
        assert response.status_code == 302 and reverse("login") in response["Location"]
    elif role in SEES_EVERY_REPORT | {"secretary_a"}:
        assert response.status_code == 200
        assert report_a.assignment.duty.title in response.content.decode()
    else:  # secretary B may not learn that unit A's report exists
        assert response.status_code == 404


def test_shows_the_duty_its_source_and_the_evidence_expected(client_as, report_a):
    duty = report_a.assignment.duty
    page = client_as("secretary_a").get(page_of(report_a)).content.decode()
    assert duty.source in page and duty.get_responsibility_display() in page
    assert f"应提供的佐证材料：{duty.evidence}" in page  # the help text of 落实情况
    assert 'name="action" value="save"' in page and 'name="action" value="submit"' in page
    assert 'accept="' in page and "image/jpeg" in page and ".docx" in page


def test_only_the_unit_may_file_others_read(client_as, report_a):
    upload_url = reverse("assessments:evidence_add", args=[report_a.pk])
    assert upload_url in client_as("secretary_a").get(page_of(report_a)).content.decode()
    for role in ("leader", "supervisor", "admin"):
        page = client_as(role).get(page_of(report_a)).content.decode()
        assert 'value="submit"' not in page and upload_url not in page
    assert client_as("leader").post(reverse("assessments:report_file", args=[report_a.pk])).status_code == 403
    assert client_as("secretary_b").post(reverse("assessments:report_file", args=[report_a.pk])).status_code == 404
    assert client_as("anonymous").post(reverse("assessments:report_file", args=[report_a.pk])).status_code == 302


def test_save_then_submit_confirms_in_words(client_as, report_a):
    client = client_as("secretary_a")
    url = reverse("assessments:report_file", args=[report_a.pk])
    saved = client.post(url, {"content": "召开支部委员会 3 次", "self_assessment": "", "action": "save"}, follow=True)
    assert "已保存。填写完整后请提交审核。" in saved.content.decode()
    report_a.refresh_from_db()
    assert report_a.state == Report.State.DRAFT and report_a.content == "召开支部委员会 3 次"
    done = client.post(
        url, {"content": "召开支部委员会 3 次", "self_assessment": "good", "action": "submit"}, follow=True
    )
    assert "已提交，已通知联系领导联系领导。" in done.content.decode()  # the liaison is called 联系领导
    report_a.refresh_from_db()
    assert report_a.state == Report.State.SUBMITTED and report_a.self_assessment == "good"


def test_a_refused_submission_keeps_what_was_typed(client_as, report_a):
    client = client_as("secretary_a")
    url = reverse("assessments:report_file", args=[report_a.pk])
    empty = client.post(url, {"content": "   ", "self_assessment": "", "action": "submit"})
    assert empty.status_code == 400 and "请先填写落实情况再提交。" in empty.content.decode()
    Report.objects.filter(pk=report_a.pk).update(state=Report.State.APPROVED)
    late = client.post(url, {"content": "刚写好的一大段文字", "self_assessment": "", "action": "save"})
    assert late.status_code == 400
    assert "刚写好的一大段文字" not in Report.objects.get(pk=report_a.pk).content
    assert "已通过" in late.content.decode()  # it says the report's state; nothing was written
    bad_grade = client.post(url, {"content": "x", "self_assessment": "perfect", "action": "save"})
    assert bad_grade.status_code == 400 and ReportEvent.objects.count() == 0


def test_the_timeline_shows_every_step_with_who_and_the_comment(client_as, cast, submitted_a):
    services.return_report(report_id=submitted_a.pk, actor=cast.leader, comment="请补充会议记录")
    page = client_as("secretary_a").get(page_of(submitted_a)).content.decode()
    history = page[page.index('id="timeline"') :]
    assert history.index("已提交") < history.index("已退回") and "请补充会议记录" in history
    assert "甲书记" in history and "联系领导" in history
    assert "退回意见" in page  # the comment also sits on top of the form


@pytest.mark.parametrize("role", ["secretary_a", "leader", "other_leader", "admin", "supervisor"])
def test_query_count_is_pinned_and_does_not_grow_with_history(client_as, cast, report_a, role):
    client = client_as(role)
    before = count_queries(client, page_of(report_a))
    # 10 for the page, plus the report's rectifications and a leader's 待审核 badge; with
    # who holds the unit's liaison post now (a dated row); and the work records behind a
    # duty counted in records (issue 13: one query, one more for their files when any).
    assert before <= 13
    for n in range(6):
        services.add_evidence(
            report_id=report_a.pk,
            actor=cast.secretary_a,
            upload=files.upload(f"照片{n}.png", files.png(n + 1, 1)),
            description=f"照片 {n}",
            work_date=report_a.period.opens_on,
        )
    services.submit_report(report_id=report_a.pk, actor=cast.secretary_a, content="已完成")
    services.return_report(report_id=report_a.pk, actor=cast.leader, comment="再补充")
    # The review controls and "next in queue" appear for reviewers of a submitted report.
    services.submit_report(report_id=report_a.pk, actor=cast.secretary_a, content="已补充")
    # (a submitted report has no filing form, so no look for the unit's last open report)
    assert count_queries(client, page_of(report_a)) <= before


def test_english_report_page(client_as, submitted_a):
    client = client_as("leader")
    client.post(reverse("set_language"), {"language": "en"})
    page = client.get(page_of(submitted_a)).content.decode()
    assert "Review" in page and "Approve" in page and "Return for correction" in page
    assert "Branch A" in page and "History" in page and "Submitted" in page


def test_submitting_again_from_a_stale_page_says_why_nothing_happened(client_as, submitted_a):
    """A second tab or a double click: the report is submitted already, so the form is gone
    from the page — the reason must still be on it, not a bare 400."""
    answer = client_as("secretary_a").post(
        reverse("assessments:report_file", args=[submitted_a.pk]), {"content": "再交一次", "action": "submit"}
    )
    page = answer.content.decode()
    assert answer.status_code == 400
    assert "alert-danger" in page and "该报告当前状态为“已提交”，操作未执行" in page
    submitted_a.refresh_from_db()
    assert submitted_a.content != "再交一次"
