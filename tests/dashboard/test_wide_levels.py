"""A wide level (a 党组 over hundreds of 机关党委 at ten times province scale) is shown a
page of rows at a time, those most behind first (issue 15; docs/scale.md 4): the page stays
the same size whatever the scope's width, the totals count every unit, the completion
chart draws the rows of its table, and the pages and the order live in the URL (UX.md).

The fixture's 党组 has three rows — 机关党委 (3 of 7 approved), 纪检监察组 (0 of 1) and its
own line (0 of 1) — so with two rows a page, the own line and the 纪检监察组 come first."""

import json
import re

import pytest
from django.urls import reverse

from dashboard import panels
from tests.dashboard.test_queries import count

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_a_page(monkeypatch):
    monkeypatch.setattr(panels, "ROWS_PAGE", 2)


def get(client, **params):
    response = client.get(reverse("dashboard:index"), params)
    assert response.status_code == 200
    return response


def shown(response) -> list[str]:
    return [f"{row.unit.code}{'-own' if row.own else ''}" for row in response.context["o"].rows]


def table_rows(html: str, table: str) -> list[str]:
    body = html[html.index(f'id="{table}"') :]
    body = body[: body.index("</table>")]
    return re.findall(r'<tr data-unit="([\w-]+)"', body) if table == "completion-table" else body.count("<tr>") - 1


def chart(html: str) -> dict:
    return json.loads(re.search(r'id="mz-dashboard-data"[^>]*>(.*?)</script>', html).group(1))


@pytest.mark.parametrize("role", ["leader", "admin", "supervisor", "other_leader"])
def test_the_rows_most_behind_come_first_a_page_at_a_time(client_as, data, two_a_page, role):
    client = client_as(role)
    first = get(client)
    o = first.context["o"]
    assert shown(first) == ["DZ-own", "JJZ"]  # 0 % approved each, in the tree's order
    assert (o.row_count, o.order, o.row_page.number, o.row_page.paginator.num_pages) == (3, "attention", 1, 2)
    html = first.content.decode()
    assert table_rows(html, "completion-table") == ["DZ-own", "JJZ"]
    assert table_rows(html, "heatmap-table") == 2  # the same rows in the heatmap
    assert chart(html)["completion"]["labels"] == ["党组", "纪检监察组"]  # and in the chart
    assert re.search(r'data-total="all">9<', html)  # the totals count every unit
    assert 'data-rows-shown="1-2/3"' in html
    assert "第 1–2 个，共 3 个单位。" in html and "通过率最低的排在前面。" in html
    second = get(client, page=2)
    assert shown(second) == ["JGDW"]
    assert re.search(r'data-total="all">9<', second.content.decode())


def test_the_tree_order_is_a_link_away_and_stays_in_the_urls(client_as, data, two_a_page):
    client = client_as("leader")
    html = get(client).content.decode()
    units = re.search(r'href="([^"]*order=units[^"]*)"', html).group(1).replace("&amp;", "&")
    assert "page=" not in units
    ordered = client.get(units.split("#")[0])
    assert shown(ordered) == ["JGDW", "JJZ"]
    assert ordered.context["o"].order == "units"
    following = re.search(r'rel="next" href="([^"]+)"', ordered.content.decode()).group(1).replace("&amp;", "&")
    assert "order=units" in following and "page=2" in following
    assert shown(client.get(following.split("#")[0])) == ["DZ-own"]
    # The colour switch keeps the page and its order; the row pages keep the colour.
    by_score = get(client, order="units", page=2, color="score")
    html = by_score.content.decode()
    assert shown(by_score) == ["DZ-own"]
    completion = re.search(r'href="([^"]*)#heatmap-title"', html).group(1)
    assert "order=units" in completion and "page=2" in completion and "color" not in completion
    assert "color=score" in re.search(r'rel="prev" href="([^"]+)"', html).group(1)


@pytest.mark.parametrize("page", ["0", "-1", "abc", "99", "2.5", ""])
def test_a_page_that_is_not_one_shows_the_nearest_never_an_error(client_as, data, two_a_page, page):
    o = get(client_as("leader"), page=page, order="bogus").context["o"]
    assert o.order == "attention"
    assert len(o.rows) in (1, 2) and o.row_count == 3


def test_a_level_that_fits_shows_every_row_in_the_trees_order_without_pages(client_as, data):
    response = get(client_as("leader"), order="attention", page=3)
    assert shown(response) == ["JGDW", "JJZ", "DZ-own"]
    assert response.context["o"].row_page is None
    assert "data-rows-shown" not in response.content.decode()


def test_a_secretary_sees_their_own_line_without_pages(client_as, data, two_a_page):
    response = get(client_as("secretary_a"), page=2)
    assert shown(response) == ["ZBA-own"]
    assert response.context["o"].row_page is None


def test_anonymous_is_sent_to_sign_in_with_the_page_in_the_url(client_as, data):
    response = client_as("anonymous").get(reverse("dashboard:index"), {"page": 2, "order": "units"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert "page%3D2" in response.url


def test_the_words_of_the_row_pages_in_english(client_as, data, two_a_page):
    client = client_as("leader")
    client.cookies["django_language"] = "en"
    html = get(client).content.decode()
    assert "Units 1–2 of 3." in html and "Those with the lowest approved share come first." in html
    assert "The totals above count every unit." in html and "Most behind first" in html
    html = get(client, order="units").content.decode()
    assert "In the order of the units." in html and "Unit order" in html


def test_every_page_of_rows_costs_the_same_queries(client_as, data, two_a_page):
    client = client_as("leader")
    url = reverse("dashboard:index")
    first = count(client, url, {})
    assert first == count(client, url, {"page": 2, "order": "units"}) == count(client, url, {"color": "score"}) - 1
    assert first <= 12  # tests/dashboard/test_queries.py's pin
