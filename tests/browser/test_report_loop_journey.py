"""The report loop by hand, in Chromium: a secretary files, the liaison returns, the
secretary fixes and resubmits, the liaison approves, and both read the same history."""

import re

import pytest
from playwright.sync_api import expect

from assessments.models import Report
from tests.browser.report_loop import open_now, sign_in  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def test_secretary_files_leader_returns_secretary_fixes_leader_approves(page, new_context, live_server, cast, open_now):  # noqa: F811
    report = open_now
    title = report.assignment.duty.title

    # The secretary lands on 我的责任, opens the duty, writes, attaches a file, submits.
    sign_in(page, live_server, cast.secretary_a.username)
    expect(page.get_by_role("heading", name=re.compile("我的责任"))).to_be_visible()
    page.get_by_role("link", name=re.compile(re.escape(title))).first.click()
    page.get_by_role("textbox", name="落实情况").fill("召开支部委员会 2 次，专题学习党章。")
    page.locator("input[type=file]").set_input_files(
        {"name": "会议纪要.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.locator("input[name=description]").fill("支部委员会会议纪要")
    page.get_by_role("button", name="上传").click()
    expect(page.get_by_text("已上传“会议纪要.pdf”。")).to_be_visible()
    expect(page.locator("#timeline")).to_contain_text("上传佐证材料")
    page.get_by_role("button", name="提交审核").click()
    expect(page.get_by_text("已提交，已通知联系领导联系领导。")).to_be_visible()

    # The liaison finds it in 待审核 and returns it with a comment.
    leader = new_context().new_page()
    sign_in(leader, live_server, cast.leader.username)
    leader.goto(f"{live_server.url}/assessments/review/")
    leader.get_by_role("link", name=re.compile(f"审核 甲党支部 {report.assignment.duty.code}")).click()
    expect(leader.get_by_role("link", name=re.compile("会议纪要.pdf"))).to_be_visible()
    leader.get_by_label(re.compile("需要修改的内容")).fill("请补充签到表。")
    leader.get_by_role("button", name="退回修改").click()
    expect(leader.get_by_text("已退回，已通知甲党支部（甲书记）。")).to_be_visible()

    # The secretary sees the comment on top of the home page, fixes and resubmits.
    page.goto(f"{live_server.url}/assessments/mine/")
    expect(page.get_by_text("请补充签到表。")).to_be_visible()
    page.get_by_role("link", name="修改并重新提交").click()
    page.get_by_role("textbox", name="落实情况").fill("召开支部委员会 2 次，专题学习党章；已补充签到表。")
    page.get_by_role("button", name="提交审核").click()
    expect(page.get_by_text("已提交，已通知联系领导联系领导。")).to_be_visible()

    # The liaison approves with a grade; the queue is then empty.
    leader.goto(f"{live_server.url}/assessments/reports/{report.pk}/")
    leader.locator("select[name=approve-grade]").select_option("good")
    leader.get_by_role("button", name="通过").click()
    expect(leader.get_by_text("已通过，评定为“良好”，已通知甲党支部（甲书记）。")).to_be_visible()
    expect(leader.get_by_text("暂无其他待审核的报告。")).to_be_visible()

    # Both read the same history.
    steps = ["上传佐证材料", "已提交", "已退回", "请补充签到表。", "已通过"]
    for who in (page, leader):
        who.goto(f"{live_server.url}/assessments/reports/{report.pk}/")
        for step in steps:
            expect(who.locator("#timeline")).to_contain_text(step)
    report.refresh_from_db()
    assert report.state == Report.State.APPROVED and report.grade == "good"
    assert list(report.events.values_list("action", flat=True)) == [
        "evidence_added",
        "submit",
        "return",
        "submit",
        "approve",
    ]
