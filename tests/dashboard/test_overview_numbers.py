"""Every panel of the dashboard equals a hand count of the fixed data set (see conftest)."""

import json
import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def overview(client):
    response = client.get(reverse("dashboard:index"))
    assert response.status_code == 200
    return response


def test_totals_count_every_report_of_the_period_by_state(client_as, data):
    html = overview(client_as("leader")).content.decode()
    found = dict(re.findall(r'data-total="(\w+)">(\d+)<', html))
    assert found == {
        "all": "9",
        "approved": "3",
        "submitted": "2",
        "draft": "2",
        "returned": "1",
        "locked": "1",
        "red": "4",  # the period is overdue: every unsubmitted report is red
        "yellow": "0",
    }


def test_completion_rolls_each_unit_below_the_root_up_over_its_subtree(client_as, data, cast):
    o = overview(client_as("leader")).context["o"]
    rows = {(row.unit.code, row.own): row.counts for row in o.rows}
    assert rows == {
        ("JGDW", False): {"approved": 3, "submitted": 1, "draft": 1, "returned": 1, "locked": 1},
        ("JJZ", False): {"draft": 1},
        ("DZ", True): {"submitted": 1},  # the 党组's own report
    }
    chart = json.loads(
        re.search(r'id="mz-dashboard-data"[^>]*>(.*?)</script>', overview(client_as("leader")).content.decode()).group(
            1
        )
    )
    assert chart["completion"]["labels"][0] == "机关党委"
    assert [d["data"][0] for d in chart["completion"]["datasets"]] == [3, 1, 1, 1, 1]


def test_following_a_unit_shows_its_own_units(client_as, data, cast):
    client = client_as("leader")
    o = client.get(reverse("dashboard:index"), {"unit": cast.committee.pk}).context["o"]
    rows = {(row.unit.code, row.own): row.counts for row in o.rows}
    assert rows == {
        ("ZBA", False): {"approved": 1, "submitted": 1, "draft": 1, "returned": 1},
        ("ZBB", False): {"approved": 1, "locked": 1},
        ("JGDW", True): {"approved": 1},
    }
    assert [u.code for u in o.crumbs] == ["DZ", "JGDW"]


def test_warnings_list_the_red_reports_oldest_first_each_linking_to_its_report(client_as, data):
    response = overview(client_as("leader"))
    items = response.context["o"].warnings
    expected = [data.reports[k] for k in ("a_draft", "a_returned", "b_locked", "discipline")]
    assert [r.pk for r in items] == [r.pk for r in sorted(expected, key=lambda r: (r.updated_at, r.pk))]
    assert {r.warning_now for r in items} == {"red"}
    for report in expected:
        assert reverse("assessments:report", args=[report.pk]) in response.content.decode()


def test_heatmap_cells_count_approved_of_all_per_category(client_as, data):
    o = overview(client_as("leader")).context["o"]
    cells = {
        (line["row"].unit.code, c["category"].pk): (c["approved"], c["total"])
        for line in o.heatmap
        for c in line["cells"]
    }
    assert cells[("JGDW", data.c1.pk)] == (3, 4)
    assert cells[("JGDW", data.c2.pk)] == (0, 3)
    assert cells[("JJZ", data.c2.pk)] == (0, 1)
    assert cells[("DZ", data.c1.pk)] == (0, 1)
    assert sum(total for _a, total in cells.values()) == 9


def test_heatmap_by_score_shows_the_average_points_per_report(client_as, data, cast):
    client = client_as("leader")
    o = client.get(reverse("dashboard:index"), {"unit": cast.committee.pk, "color": "score"}).context["o"]
    by_unit = {line["row"].unit.code: line for line in o.heatmap}
    cell = next(c for c in by_unit["ZBA"]["cells"] if c["category"].pk == data.c1.pk)
    assert float(cell["value"]) == 10.0
    assert "10.0" in str(by_unit["ZBA"]["html"])


def test_ranking_orders_by_score_with_the_change_and_marks_the_first_three(client_as, data):
    ranking = overview(client_as("leader")).context["o"].ranking
    assert [(r.unit.code, r.position, float(r.score), float(r.change), r.moved) for r in ranking] == [
        ("JGDW", 1, 85.0, 5.0, 0),
        ("ZBA", 1, 90.0, 5.0, 1),
        ("ZBB", 2, 80.0, -8.0, -1),
    ]  # the 纪检监察组 supervises the units: never ranked among them; each kind on its own (issue 12)
    assert [r.exemplary for r in ranking] == [True, True, True]


def test_trend_gives_score_and_on_time_rate_per_period_oldest_first(client_as, data):
    trend = overview(client_as("leader")).context["o"].trend
    assert [p.period for p in trend] == [data.prev, data.cur]
    assert [float(p.subtree_score) for p in trend] == [80.0, 82.0]
    # on time / reports summed over the subtree: prev 5 units × 1/2, cur (2+1+1+0+1)/(4+2+1+1+1)
    assert [(p.on_time, p.reports) for p in trend] == [(5, 10), (5, 9)]
    assert "55.6% (5/9)" in overview(client_as("leader")).content.decode()


def test_the_numbers_follow_every_change_of_a_report_or_of_the_tree(client_as, cast, data):
    client = client_as("leader")
    assert overview(client).context["o"].totals["approved"] == 3  # now cached
    report = data.reports["a_submitted"]
    report.state = "approved"
    report.save()
    assert overview(client).context["o"].totals["approved"] == 4
    # 乙党支部 moves from under 机关党委 to directly under the 党组: its reports follow it.
    cast.unit_b.move(cast.party_group, "sorted-child")
    rows = {row.unit.code: row.total for row in overview(client).context["o"].rows}
    assert rows["ZBB"] == 2 and rows["JGDW"] == 5


def test_a_second_root_shows_the_whole_organization_by_roots(client_as, cast, data):
    """The default page reads the roots and the units under them in one query (issue 15):
    with one root its units are the rows; a second root makes the roots the rows."""
    from responsibilities.models import Unit

    client = client_as("leader")
    assert "JGDW" in {row.unit.code for row in overview(client).context["o"].rows}
    Unit.add_root(code="DZ2", name="第二党组", kind=cast.party_group.kind)
    o = overview(client).context["o"]
    assert [row.unit.code for row in o.rows] == ["DZ", "DZ2"]
    assert o.totals["approved"] == 3  # the whole organization, as before
