"""A leader pages through a wide level of the dashboard (issue 15): the rows most behind
first, the next page and the units' order a click away, the totals unchanged."""

import re

import pytest
from playwright.sync_api import expect

from dashboard import panels
from tests.dashboard.conftest import data  # noqa: F401 - the fixed data set, as a fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_leader_pages_through_the_rows_most_behind_first(
    page,
    live_server,
    signed_in,
    cast,
    data,  # noqa: F811
    monkeypatch,
    tmp_path,
):
    monkeypatch.setattr(panels, "ROWS_PAGE", 2)  # the fixture's three rows make two pages
    signed_in(cast.leader)
    page.goto(f"{live_server.url}/dashboard/")
    rows = page.locator("#completion-table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("党组")
    expect(page.locator("[data-total=all]")).to_have_text("9")
    expect(page.get_by_text("第 1–2 个，共 3 个单位。").first).to_be_visible()
    page.screenshot(path=str(tmp_path / "row-pages.png"), full_page=True)
    page.get_by_role("navigation", name="完成情况表分页").get_by_role("link", name="下一页").click()
    expect(page).to_have_url(re.compile(r"page=2"))
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("机关党委")
    expect(page.locator("[data-total=all]")).to_have_text("9")
    page.get_by_role("link", name="按单位顺序").first.click()
    expect(page).to_have_url(re.compile(r"order=units"))
    expect(rows.first).to_contain_text("机关党委")
    expect(page.locator("#heatmap-table tbody tr")).to_have_count(2)
