"""交办 in the browser (issue 14): the admin records the 党组会议 that heard the half-year
report, hands one of its decisions to a branch as a task, the branch secretary replies
with a receipt file from 我的责任, and the admin closes the task."""

import re

import pytest
from playwright.sync_api import expect

from assessments.models import Meeting, Task
from tests.assessments import conftest as report_loop
from tests.assessments.files import pdf

period = report_loop.period  # an open half-year
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_record_a_meeting_hand_a_decision_on_reply_and_close(
    page, live_server, context, signed_in, cast, period, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path

    def as_user(user):
        context.clear_cookies()
        signed_in(user)

    # The admin records the meeting: the half-year report heard, two decisions, the minutes.
    as_user(cast.admin)
    page.goto(f"{live_server.url}/assessments/meetings/")
    page.get_by_label("党组", exact=True).select_option(str(cast.party_group.pk))
    page.get_by_label("会议日期").fill(period.opens_on.isoformat())
    page.get_by_label("另一领导").check()
    page.get_by_label("联系领导").check()
    page.get_by_label("听取的半年度汇报").select_option(str(period.pk))
    page.get_by_label("会议决定").fill("各支部制定标准化建设方案\n机关党委开展专项检查")
    page.get_by_label("会议纪要").set_input_files(
        [{"name": "纪要.pdf", "mimeType": "application/pdf", "buffer": pdf()}]
    )
    page.get_by_role("button", name="登记会议").click()
    expect(page.get_by_text("会议已记录，共 2 项决定")).to_be_visible()

    # The first decision is handed to branch A as a task.
    page.get_by_role("link", name="交办", exact=True).first.click()
    expect(page.get_by_label("标题")).to_have_value("各支部制定标准化建设方案")
    page.get_by_label("承办单位").select_option(str(cast.unit_a.pk))
    page.get_by_role("button", name="确认交办").click()
    expect(page.get_by_text("任务已交办甲党支部，并已通知。")).to_be_visible()
    expect(page.locator(".badge", has_text="待反馈")).to_be_visible()

    # Branch A's secretary finds it in 我的责任 and replies with a receipt file.
    as_user(cast.secretary_a)
    page.goto(f"{live_server.url}/assessments/mine/")
    page.get_by_role("link", name="各支部制定标准化建设方案").click()
    page.get_by_label("办理情况反馈").fill("方案已经支委会讨论通过")
    page.get_by_label("回执材料").set_input_files(
        [{"name": "建设方案.pdf", "mimeType": "application/pdf", "buffer": pdf()}]
    )
    page.get_by_role("button", name="提交反馈").click()
    expect(page.get_by_text(re.compile("办理情况已反馈"))).to_be_visible()
    expect(page.get_by_role("link", name="建设方案.pdf")).to_be_visible()

    # The admin closes it.
    as_user(cast.admin)
    page.goto(f"{live_server.url}/assessments/tasks/")
    page.get_by_role("link", name="各支部制定标准化建设方案").click()
    page.get_by_role("button", name="关闭任务").click()
    expect(page.get_by_text("任务已办结。")).to_be_visible()
    task = Task.objects.get()
    assert task.state == Task.State.CLOSED and task.unit == cast.unit_a
    assert task.decision.meeting == Meeting.objects.get(period=period)
    assert list(task.events.values_list("action", flat=True)) == ["issue", "reply", "close"]
