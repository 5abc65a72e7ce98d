"""整改 in the browser: a leader raises a rectification from a returned report, the
secretary reports it done with a photo, the leader verifies and closes it (销号)."""

import re

import pytest
from playwright.sync_api import expect

from assessments import services as report_services
from oversight.demo import PIXEL
from oversight.models import Rectification
from tests.assessments import conftest as report_loop

period = report_loop.period  # the report loop's fixtures: an open period, unit A's report
report_a = report_loop.report_a
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_raise_from_a_returned_report_report_done_and_verify(
    page, live_server, context, signed_in, cast, report_a, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    report_services.submit_report(report_id=report_a.pk, actor=cast.secretary_a, content="开展了学习")
    report_services.return_report(report_id=report_a.pk, actor=cast.leader, comment="缺少会议记录和签到表")

    def as_user(user):
        context.clear_cookies()
        signed_in(user)

    # The leader raises it from the returned report (the report page links here through
    # templates/oversight/_report_actions.html); the reviewer's comment is the problem.
    as_user(cast.leader)
    page.goto(f"{live_server.url}/oversight/rectifications/new/report/{report_a.pk}/")
    expect(page.get_by_label("问题")).to_have_value("缺少会议记录和签到表")
    page.get_by_label("整改措施").fill("补齐会议记录和签到表，报联系领导")
    page.get_by_role("button", name="交办整改").click()
    expect(page.get_by_text("已交办整改，已通知甲党支部。")).to_be_visible()

    # The secretary reports it done, with a photo as evidence.
    as_user(cast.secretary_a)
    page.goto(f"{live_server.url}/oversight/rectifications/")
    row = page.get_by_role("row", name=re.compile("缺少会议记录和签到表"))
    expect(row.get_by_text("整改中")).to_be_visible()
    row.get_by_role("link", name=re.compile("缺少会议记录")).click()
    page.get_by_label("整改情况").fill("已补齐 3 次支委会记录和签到表")
    page.get_by_label("佐证材料").set_input_files([{"name": "签到表.png", "mimeType": "image/png", "buffer": PIXEL}])
    page.get_by_role("button", name="报整改完成").click()
    expect(page.get_by_text("已报整改完成，已通知联系领导验收。")).to_be_visible()
    expect(page.get_by_role("link", name="签到表.png")).to_be_visible()

    # The leader verifies and closes it.
    as_user(cast.leader)
    page.goto(f"{live_server.url}/oversight/rectifications/")
    page.get_by_role("link", name=re.compile("缺少会议记录")).click()
    page.get_by_role("button", name="验收销号").click()
    expect(page.get_by_text("已验收销号，已通知甲党支部。")).to_be_visible()
    expect(page.locator(".badge", has_text="已销号")).to_be_visible()
    rectification = Rectification.objects.get()
    assert rectification.state == "closed" and rectification.report_id == report_a.pk
    assert list(rectification.events.values_list("action", flat=True)) == ["raise", "report_done", "verify"]
