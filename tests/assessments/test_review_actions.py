import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments import services
from assessments.models import Report, ReportEvent

pytestmark = pytest.mark.django_db
State = Report.State


def review(client, report, **data):
    return client.post(reverse("assessments:report_review", args=[report.pk]), data, follow=True)


def approve(client, report, grade="good", **extra):
    return review(client, report, action="approve", **{"approve-grade": grade}, **extra)


def send_back(client, report, comment="请补充会议纪要", **extra):
    return review(client, report, action="return", **{"return-comment": comment}, **extra)


def test_the_liaison_sees_review_controls_on_a_submitted_report(client_as, submitted_a):
    page = client_as("leader").get(reverse("assessments:report", args=[submitted_a.pk])).content.decode()
    assert 'name="approve-grade"' in page and 'name="return-comment"' in page
    other = client_as("other_leader").get(reverse("assessments:report", args=[submitted_a.pk])).content.decode()
    assert 'name="approve-grade"' not in other  # may read it, not review it


def test_approve_with_a_grade_confirms_and_notifies(client_as, cast, submitted_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = approve(client_as("leader"), submitted_a)
    assert "已通过，评定为“良好”，已通知甲党支部（甲书记）。" in response.content.decode()
    submitted_a.refresh_from_db()
    assert submitted_a.state == State.APPROVED and submitted_a.grade == "good"
    assert cast.secretary_a.notifications.filter(kind="report_approve").exists()


def test_return_needs_a_comment_and_says_so_next_to_the_field(client_as, submitted_a):
    blank = send_back(client_as("leader"), submitted_a, comment="   ")
    assert blank.status_code == 400 and "退回报告须填写意见" in blank.content.decode()
    no_grade = approve(client_as("leader"), submitted_a, grade="")
    assert no_grade.status_code == 400 and "请选择评定等次后再通过。" in no_grade.content.decode()
    assert Report.objects.get(pk=submitted_a.pk).state == State.SUBMITTED
    done = send_back(client_as("leader"), submitted_a)
    assert "已退回，已通知甲党支部（甲书记）。" in done.content.decode()
    assert Report.objects.get(pk=submitted_a.pk).review_comment == "请补充会议纪要"


@pytest.mark.parametrize(("role", "status"), [("other_leader", 403), ("secretary_a", 403), ("supervisor", 403)])
def test_only_reviewers_of_the_unit_may_act(client_as, submitted_a, role, status):
    assert approve(client_as(role), submitted_a).status_code == status
    assert send_back(client_as(role), submitted_a).status_code == status
    assert Report.objects.get(pk=submitted_a.pk).state == State.SUBMITTED


def test_secretary_of_another_unit_gets_404_for_every_action(client_as, submitted_a):
    client = client_as("secretary_b")
    for name in ("report_review", "report_reopen", "report_waive", "report_file", "evidence_add"):
        assert client.post(reverse(f"assessments:{name}", args=[submitted_a.pk])).status_code == 404


def test_an_unknown_action_is_a_400(client_as, submitted_a):
    assert review(client_as("leader"), submitted_a, action="delete").status_code == 400


def test_next_in_queue_after_each_action(client_as, cast, period):
    first, second = Report.objects.filter(period=period, unit=cast.unit_a).order_by("pk")[:2]
    for report in (first, second):
        services.submit_report(report_id=report.pk, actor=cast.secretary_a, content="已落实")
    client = client_as("leader")
    response = approve(client, first, unit=str(cast.unit_a.pk))
    assert response.redirect_chain[-1][0] == f"{reverse('assessments:report', args=[second.pk])}?unit={cast.unit_a.pk}"
    assert "以下是队列中的下一份待审核报告。" in response.content.decode()
    last = send_back(client, second)
    assert last.redirect_chain[-1][0] == reverse("assessments:review_queue")
    assert "暂无其他待审核的报告。" in last.content.decode()


def test_the_next_report_is_picked_by_its_id_alone(client_as, cast, period):
    """The reviewer's page links the next report waiting, picked as the queue's pages pick
    theirs: its id, oldest submission first, off the queue's index. Read as a whole row
    joined to its duty, period and people, every report waiting was joined and sorted for
    one link (6,444 rows, 70–100 ms of each reviewer's page at 2,000 units, issue 15)."""
    first, second = Report.objects.filter(period=period, unit=cast.unit_a).order_by("pk")[:2]
    for report in (first, second):
        services.submit_report(report_id=report.pk, actor=cast.secretary_a, content="已落实")
    with CaptureQueriesContext(connection) as queries:
        page = client_as("leader").get(reverse("assessments:report", args=[first.pk]))
    assert f'href="{reverse("assessments:report", args=[second.pk])}"' in page.content.decode()
    picks = [q["sql"] for q in queries if 'ORDER BY "assessments_report"."submitted_at" ASC' in q["sql"]]
    assert len(picks) == 1
    assert picks[0].split(" FROM ")[0] == 'SELECT "assessments_report"."id" AS "pk"', picks[0]
    assert "responsibilities_duty" not in picks[0] and "accounts_user" not in picks[0]


def test_the_second_reviewer_is_told_plainly_and_nothing_changes(client_as, cast, submitted_a):
    approve(client_as("leader"), submitted_a)
    late = send_back(client_as("admin"), submitted_a, comment="我也来看看")
    assert "该报告当前状态为“已通过”，操作未执行。请刷新页面查看最新状态。" in late.content.decode()
    assert Report.objects.get(pk=submitted_a.pk).state == State.APPROVED
    assert list(submitted_a.events.values_list("action", flat=True)) == ["submit", "approve"]


def test_admin_reopens_an_approved_report_with_a_reason(client_as, cast, submitted_a):
    services.approve_report(report_id=submitted_a.pk, actor=cast.leader, grade="fair")
    url = reverse("assessments:report_reopen", args=[submitted_a.pk])
    assert client_as("leader").post(url, {"reopen-reason": "想改"}).status_code == 403
    blank = client_as("admin").post(url, {"reopen-reason": " "})
    assert blank.status_code == 400 and "请填写理由" in blank.content.decode()
    done = client_as("admin").post(url, {"reopen-reason": "材料与实际不符"}, follow=True)
    assert "已撤回审核，退回修改，甲党支部 可修改后重新提交。" in done.content.decode()
    assert Report.objects.get(pk=submitted_a.pk).state == State.RETURNED
    assert ReportEvent.objects.filter(action="reopen", comment="材料与实际不符").exists()


def test_admin_waives_a_lock_with_a_reason(client_as, cast, report_a, period):
    period.due_on = timezone.localdate() - datetime.timedelta(days=10)
    period.save()
    services.lock_report(report_id=report_a.pk)
    page = client_as("secretary_a").get(reverse("assessments:report", args=[report_a.pk])).content.decode()
    assert "已锁定" in page and "红色预警 · 逾期 10 天" in page and 'value="submit"' not in page
    url = reverse("assessments:report_waive", args=[report_a.pk])
    assert client_as("leader").post(url, {"waive-reason": "出差"}).status_code == 403
    done = client_as("admin").post(url, {"waive-reason": "因公出差，准予补报"}, follow=True)
    assert "已准予补报（解除锁定），甲党支部 现在可以提交报告。" in done.content.decode()
    assert Report.objects.get(pk=report_a.pk).state == State.DRAFT
