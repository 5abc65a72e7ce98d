"""The dashboard's 整改 and 督办 panels and the lists behind them (issue 14), on a small set
counted by hand. The half year is the period ``cur`` (this year's first half).

Rectifications (R) and notices (N); days are relative to today:

| item | unit        | source          | state    | deadline | closed              |
|------|-------------|-----------------|----------|----------|---------------------|
| r1   | 甲 unit_a   | 巡察 inspection | open     | -1       |                     |
| r2   | 甲 unit_a   | 民主生活会      | open     | +10      |                     |
| r3   | 甲 unit_a   | 审计 audit      | reported | -5       |                     |
| r4   | 甲 unit_a   | 巡察 inspection | closed   |          | 15 Mar, this half   |
| r5   | 甲 unit_a   | other (manual)  | closed   |          | last year           |
| r6   | 乙 unit_b   | 组织生活会      | open     | -3       |                     |
| r7   | 机关党委    | 审计 audit      | open     | +20      |                     |
| r8   | 纪检监察组  | 巡察 inspection | closed   |          | 30 Jun 23:00, in it |
| r9   | 党组        | 民主生活会      | open     | -1       |                     |
| n1   | 甲 unit_a   |                 | issued   | -2       |                     |
| n2   | 甲 unit_a   |                 | replied  | -4       |                     |
| n3   | 乙 unit_b   |                 | closed   |          | 1 Feb, this half    |
| n4   | 机关党委    |                 | issued   | +5       |                     |
| n5   | 乙 unit_b   |                 | closed   |          | 1 Jul 00:30, after  |

Overdue: still with the unit after the deadline (a reported rectification or a replied
notice waits on the other side): r1, r6, r9; n1.
"""

import re

import pytest
from django.urls import reverse

from oversight.models import Rectification, SupervisionNotice
from tests.dashboard.conftest import days
from tests.factories import PostFactory, UnitFactory

pytestmark = pytest.mark.django_db

R, N = Rectification, SupervisionNotice


def panel(client, data, unit=None):
    params = {"period": data.cur.pk, **({"unit": unit.pk} if unit else {})}
    response = client.get(reverse("dashboard:follow_up"), params)
    assert response.status_code == 200
    return response.context["follow_up"]


def triple(tally):
    return (tally.open, tally.overdue, tally.closed)


def by_unit(follow_up):
    return {
        (line.unit.code + ("*" if line.own else "")): (triple(line.rectifications), triple(line.notices))
        for line in follow_up.rows
    }


def test_whole_organization_counted_by_hand(client_as, cast, data, items):
    f = panel(client_as("leader"), data)
    assert triple(f.rectifications) == (6, 3, 2)  # open r1 r2 r3 r6 r7 r9; overdue r1 r6 r9; closed r4 r8
    assert triple(f.notices) == (3, 1, 1)  # open n1 n2 n4; overdue n1; closed n3 (n5 is next half)
    assert by_unit(f) == {
        "JGDW": ((5, 2, 1), (3, 1, 1)),  # 机关党委 with 甲 and 乙 under it
        "JJZ": ((0, 0, 1), (0, 0, 0)),
        "DZ*": ((1, 1, 0), (0, 0, 0)),  # the 党组's own
    }
    sources = {s["source"]: triple(s["tally"]) for s in f.sources}
    assert sources == {
        "inspection": (1, 1, 2),
        "democratic_life": (2, 1, 0),
        "audit": (2, 0, 0),
        "org_life": (1, 1, 0),
    }  # r5 (closed last year) is in no column, so "other" has no line
    assert [s["label"] for s in f.sources] == ["民主生活会", "组织生活会", "巡察", "审计"]


def test_a_subtree_and_a_branch_counted_by_hand(client_as, cast, data, items):
    f = panel(client_as("leader"), data, cast.committee)
    assert by_unit(f) == {
        "ZBA": ((3, 1, 1), (2, 1, 0)),
        "ZBB": ((1, 1, 0), (0, 0, 1)),
        "JGDW*": ((1, 0, 0), (1, 0, 0)),
    }
    mine = panel(client_as("secretary_a"), data)
    assert triple(mine.rectifications) == (3, 1, 1) and triple(mine.notices) == (2, 1, 0)
    assert by_unit(mine) == {"ZBA*": ((3, 1, 1), (2, 1, 0))}


def listed(client, url) -> set[str]:
    response = client.get(url)
    assert response.status_code == 200
    ids = {int(pk) for pk in re.findall(r'data-item="(\d+)"', response.content.decode())}
    assert response.context["page"].paginator.count == len(ids)
    return ids


def test_each_number_leads_to_the_items_behind_it(client_as, cast, data, items):
    client = client_as("leader")
    f = panel(client, data)

    def names(ids, kind):
        # A rectification and a notice may share an id: a list names items of its own kind.
        return {name for name, obj in items.items() if obj.pk in ids and isinstance(obj, kind)}

    assert names(listed(client, f.urls["rectification"]["overdue"]), R) == {"r1", "r6", "r9"}
    assert names(listed(client, f.urls["rectification"]["closed"]), R) == {"r4", "r8"}
    assert names(listed(client, f.urls["notice"]["open"]), N) == {"n1", "n2", "n4"}
    rows = {line.unit.code + ("*" if line.own else ""): line for line in f.rows}
    assert names(listed(client, rows["JGDW"].urls["rectification"]["open"]), R) == {"r1", "r2", "r3", "r6", "r7"}
    assert names(listed(client, rows["DZ*"].urls["rectification"]["open"]), R) == {"r9"}
    inspection = next(s for s in f.sources if s["source"] == "inspection")
    assert names(listed(client, inspection["urls"]["closed"]), R) == {"r4", "r8"}
    sub = panel(client, data, cast.committee)
    own = next(line for line in sub.rows if line.own)
    assert names(listed(client, own.urls["notice"]["open"]), N) == {"n4"}
    # And every number of the panel is the length of its list.
    for line in sub.rows:
        for kind, tally in (("rectification", line.rectifications), ("notice", line.notices)):
            for status in ("open", "overdue", "closed"):
                assert len(listed(client, line.urls[kind][status])) == getattr(tally, status)


def test_the_overview_loads_the_panels_for_its_scope(client_as, cast, data, items):
    page = client_as("leader").get(reverse("dashboard:index"), {"unit": cast.committee.pk}).content.decode()
    assert f"{reverse('dashboard:follow_up')}?period={data.cur.pk}&unit={cast.committee.pk}" in page
    html = client_as("leader").get(reverse("dashboard:follow_up"), {"period": data.cur.pk}).content.decode()
    assert "本半年已销号" in html and "逾期整改" in html and "民主生活会" in html


def test_english(client_as, cast, data, items):
    client = client_as("leader")
    client.cookies["django_language"] = "en"
    html = client.get(reverse("dashboard:follow_up"), {"period": data.cur.pk}, HTTP_ACCEPT_LANGUAGE="en").content
    html = html.decode()
    assert "Rectifications closed this half" in html and "Democratic life meeting" in html


def test_a_secretary_sees_only_their_units_and_others_ids_are_not_found(client_as, cast, data, items):
    client = client_as("secretary_a")
    ids = listed(client, reverse("dashboard:rectifications"))
    assert ids == {items[n].pk for n in ("r1", "r2", "r3", "r4", "r5")}
    for name in ("dashboard:follow_up", "dashboard:rectifications", "dashboard:notices"):
        assert client.get(reverse(name), {"unit": cast.unit_b.pk}).status_code == 404
        assert client.get(reverse(name), {"unit": cast.committee.pk}).status_code == 404


@pytest.mark.parametrize(
    "name,params,status",
    [
        ("dashboard:rectifications", {"source": "bogus"}, 400),
        ("dashboard:rectifications", {"status": "late"}, 400),
        ("dashboard:rectifications", {"unit": "abc"}, 400),
        ("dashboard:rectifications", {"unit": "-3"}, 400),
        ("dashboard:rectifications", {"unit": "999999"}, 404),
        ("dashboard:rectifications", {"period": "999999"}, 400),
        ("dashboard:rectifications", {"page": "x' OR 1=1"}, 200),
        ("dashboard:notices", {"source": "inspection"}, 200),  # notices have no source: ignored
        ("dashboard:notices", {"status": "<script>"}, 400),
        ("dashboard:follow_up", {"period": "abc"}, 404),
        ("dashboard:follow_up", {"unit": "abc"}, 404),
        ("dashboard:follow_up", {"period": "999999"}, 404),
    ],
)
def test_bad_filters_are_refused_plainly(client_as, data, items, name, params, status):
    response = client_as("leader").get(reverse(name), params)
    assert response.status_code == status
    if status == 400:
        assert "筛选条件无效" in response.content.decode()


def grow(cast, data, n):
    for i in range(n):
        unit = UnitFactory(code=f"GX{i:03d}", name=f"增补{i}支部", parent=cast.committee)
        post = PostFactory(unit=unit, title="支部书记")
        R.objects.create(
            problem="问题",
            measure="措施",
            unit=unit,
            post=post,
            deadline=days(-i),
            source=R.Source.AUDIT,
            raised_by=cast.admin,
        )
        N.objects.create(
            year=data.cur.year,
            number=100 + i,
            unit=unit,
            subject="督办",
            body="办理",
            deadline=days(-1),
            issued_by=cast.leader,
        )


PAGES = {
    "panel": ("dashboard:follow_up", {}),
    "panel_subtree": ("dashboard:follow_up", {"unit": "committee"}),
    "rectifications": ("dashboard:rectifications", {"status": "open"}),
    "notices": ("dashboard:notices", {"status": "overdue"}),
}
# The panel: session, user, scope, periods, the grouped counts (+ the rows' units, and the
# subtree's root, for a subtree);
# the lists: the same as the reports' list (navigation included).
PINNED = {"panel": 6, "panel_subtree": 8, "rectifications": 12, "notices": 12}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_queries_are_pinned_whatever_the_data(client_as, cast, data, items, name, django_assert_max_num_queries):
    client = client_as("leader")
    url_name, params = PAGES[name]
    params = {"period": data.cur.pk, **{k: getattr(cast, v).pk for k, v in params.items() if k == "unit"}}
    params.update({k: v for k, v in PAGES[name][1].items() if k != "unit"})
    client.get(reverse(url_name), params)  # warm the process's caches
    with django_assert_max_num_queries(PINNED[name]) as small:
        assert client.get(reverse(url_name), params).status_code == 200
    grow(cast, data, 30)
    with django_assert_max_num_queries(PINNED[name]) as large:
        assert client.get(reverse(url_name), params).status_code == 200
    assert len(small.captured_queries) == len(large.captured_queries)
