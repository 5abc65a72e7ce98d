"""The half-year report drafts itself (履责纪实, issue 13): a secretary opens the 主题党日
duty's report and finds it filled from the month's record, with the record's two photos as
its evidence, then submits it as it stands."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from assessments.models import Evidence, Report
from core.attachments import fill_attachment
from responsibilities.models import Duty
from tests.assessments.files import png, upload
from tests.browser.report_loop import open_now, sign_in  # noqa: F401 (a fixture)
from tests.factories import WorkRecordFactory
from worklog.models import RecordFile

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_theme_day_report_is_drafted_from_the_record_and_its_photos(page, live_server, cast, open_now):  # noqa: F811
    period = open_now.period
    duty = Duty.objects.get(checklist=cast.checklist, code="B-05")
    record = WorkRecordFactory(
        unit=cast.unit_a,
        kind="theme_day",
        held_on=datetime.date(period.year, 4, 8),
        topic="重温入党誓词",
        place="党员活动室",
        present=10,
        expected=12,
        duties=[duty],
        recorded_by=cast.secretary_a,
    )
    for name, width in (("宣誓现场.png", 40), ("签到表.png", 30)):
        fill_attachment(RecordFile(record=record), upload=upload(name, png(width, 20)), actor=cast.secretary_a)

    sign_in(page, live_server, cast.secretary_a.username)
    expect(page.get_by_role("heading", name=re.compile("履责纪实完成进度"))).to_be_visible()
    page.get_by_role("link", name=re.compile(re.escape(duty.title))).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("B-05")
    expect(page.get_by_text("已根据本期履责纪实生成草稿")).to_be_visible()
    text = page.get_by_role("textbox", name="落实情况")
    expect(text).to_have_value(re.compile("重温入党誓词"))
    expect(text).to_have_value(re.compile(f"{period.year}年4月8日"))
    expect(text).to_have_value(re.compile("应到 12 人，实到 10 人"))
    evidence = page.locator("#evidence")
    expect(evidence).to_contain_text("宣誓现场.png")
    expect(evidence).to_contain_text("签到表.png")
    expect(page.locator("#records")).to_contain_text("重温入党誓词")
    # The photo downloads from the report like any evidence: the same bytes as the record's.
    link = evidence.get_by_role("link", name=re.compile("宣誓现场.png")).first
    href = link.get_attribute("href")
    body = page.request.get(f"{live_server.url}{href}").body()
    assert body == RecordFile.objects.get(original_name="宣誓现场.png").file.open("rb").read()

    page.get_by_role("button", name="提交审核").click()
    expect(page.get_by_text("已提交，已通知联系领导联系领导。")).to_be_visible()
    report = Report.objects.get(period=period, unit=cast.unit_a, assignment__duty=duty)
    assert report.state == Report.State.SUBMITTED and "重温入党誓词" in report.content
    assert sorted(Evidence.objects.filter(report=report).values_list("original_name", flat=True)) == [
        "宣誓现场.png",
        "签到表.png",
    ]
