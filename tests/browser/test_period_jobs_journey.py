"""An admin opens a period now from 考核周期 in Chromium; the run's progress is polled by
htmx (under the strict CSP) until it shows done, without reloading the page."""

import pytest
from playwright.sync_api import expect

from assessments.models import Half, Period
from schedules.models import JobRun

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_opens_a_period_now_and_watches_the_progress(page, live_server, cast, signed_in):
    period = Period.objects.create(year=cast.checklist.year, half=Half.SECOND, **Period.default_dates(2026, 2))
    signed_in(cast.admin)
    page.goto(f"{live_server.url}/periods/")
    page.once("dialog", lambda dialog: dialog.accept())  # "open this period now?"
    page.get_by_role("button", name="立即开放").click()

    expect(page.get_by_text("正在开放")).to_be_visible()
    run = page.locator("#runs-title + ul li").first
    expect(run).to_contain_text("已完成")  # tasks run on commit in tests
    period.refresh_from_db()
    assert period.state == Period.State.OPEN and period.reports.exists()

    # A run still going: the page polls its fragment and shows the end without a reload.
    busy = JobRun.objects.create(job="recompute_scores", period=period, state="running", done=3, total=10)
    page.reload()
    row = page.locator(f"#run-{busy.pk}")
    expect(row.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "30")
    JobRun.objects.filter(pk=busy.pk).update(state="done", done=10, summary="重新计算完成")
    expect(page.locator(f"#run-{busy.pk}")).to_contain_text("重新计算完成", timeout=10000)
