"""述职评议 in the browser: a secretary writes the 述职 report, three raters rate, the admin
closes and publishes, the secretary sees the result and the comments without names."""

import re

import pytest
from playwright.sync_api import expect

from appraisals.models import AppraisalResult
from tests.appraisals.conftest import build_panel

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_report_rate_publish_and_see_the_result(page, live_server, context, signed_in, cast):
    panel = build_panel(cast)
    page.on("dialog", lambda dialog: dialog.accept())  # the confirm() before final steps

    def as_user(user):
        context.clear_cookies()
        signed_in(user)

    # The secretary writes and submits the report.
    as_user(cast.secretary_a)
    page.goto(f"{live_server.url}/appraisals/mine/")
    page.get_by_role("link", name="撰写述职报告").click()
    page.get_by_label("述职").fill("全年召开支委会 12 次，讲党课 4 次，发展党员 2 名。")
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_text("述职报告已提交。")).to_be_visible()

    # Three leadership members rate: 好 on every criterion for everyone, one comment each on A.
    for n, rater in enumerate(panel.leadership, start=1):
        as_user(rater)
        page.goto(f"{live_server.url}/appraisals/mine/")
        page.get_by_role("link", name="开始评议").click()
        expect(page.get_by_text("评议实行匿名")).to_be_visible()
        card = page.get_by_role("region", name=re.compile("甲书记"))
        card.get_by_text("阅读述职报告").click()
        expect(card.get_by_text("讲党课 4 次")).to_be_visible()
        for radio in page.get_by_label("好", exact=True).all():
            radio.check()
        card.get_by_label("意见建议（选填）").fill(f"意见{n}：支部工作扎实")
        page.get_by_role("button", name="提交测评票").click()
        expect(page.get_by_text("您的测评票已匿名提交。")).to_be_visible()
        expect(page.get_by_text("已投票")).to_be_visible()

    # The admin closes the round and publishes.
    as_user(cast.admin)
    page.goto(f"{live_server.url}/appraisals/rounds/{panel.round.pk}/")
    expect(page.get_by_text("33.3% (3/9)")).to_be_visible()
    page.get_by_role("button", name="结束民主测评并计算结果").click()
    expect(page.get_by_text("评议已结束，结果已计算")).to_be_visible()
    page.get_by_role("button", name="公布结果").click()
    expect(page.get_by_text("结果已公布")).to_be_visible()

    # The secretary sees the score, the grade and the comments — without the raters' names.
    as_user(cast.secretary_a)
    page.goto(f"{live_server.url}/appraisals/mine/")
    expect(page.get_by_text(re.compile("综合得分\\s*100.0"))).to_be_visible()
    page.get_by_role("link", name="查看我的结果和意见").click()
    expect(page.get_by_role("heading", name=re.compile("评议结果"))).to_be_visible()
    for n in (1, 2, 3):
        expect(page.get_by_text(f"意见{n}：支部工作扎实")).to_be_visible()
    body = page.content()
    assert all(rater.display_name not in body for rater in panel.leadership)
    result = AppraisalResult.objects.get(appraisee=panel.a)
    assert (result.valid_ballots, str(result.score), result.grade.name) == (3, "100.00", "好")
