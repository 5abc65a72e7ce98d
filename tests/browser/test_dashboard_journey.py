import re

import pypdf
import pytest
from playwright.sync_api import expect

from tests.dashboard.conftest import data  # noqa: F401 - the fixed data set, as a fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_a_leader_follows_the_heatmap_to_the_reports_and_downloads_the_hearing_pack(
    page,
    live_server,
    signed_in,
    cast,
    data,  # noqa: F811
    tmp_path,
):
    signed_in(cast.leader)
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    expect(page.get_by_role("heading", name="总览")).to_be_visible()
    expect(page.locator("#mz-chart-completion")).to_be_visible()
    # Chart.js drew the chart from the page's JSON (no inline script).
    page.wait_for_function("() => window.Chart && Chart.getChart('mz-chart-completion') !== undefined")

    cell = page.locator("#heatmap-table td.mz-heat-3").first  # 机关党委 × c1: 3 of 4 approved
    assert cell.evaluate("td => getComputedStyle(td).backgroundColor") not in ("rgb(255, 255, 255)", "rgba(0, 0, 0, 0)")
    page.locator("#heatmap-table").get_by_role("link", name=f"机关党委 · {data.c1.name}").click()
    expect(page).to_have_url(re.compile(r"/dashboard/reports/\?.*category="))
    expect(page.locator("[data-count]")).to_have_text("4")
    expect(page.locator("#reports-table")).to_contain_text("甲党支部")

    page.go_back()
    page.get_by_role("button", name="生成半年党建工作汇报材料（PDF）").click()
    link = page.locator("#mz-exports").get_by_role("link", name="下载")
    expect(link).to_be_visible(timeout=30_000)
    with page.expect_download() as info:
        link.click()
    path = tmp_path / "pack.pdf"
    info.value.save_as(path)
    assert "党建工作责任制落实情况" in pypdf.PdfReader(path).pages[0].extract_text()
