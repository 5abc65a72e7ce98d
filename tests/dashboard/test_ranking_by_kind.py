"""Like with like (issue 12, item 7): branches are ranked with branches, 党总支 with 党总支,
the 机关党委 with its own kind; 前三名 marks the first three places of each kind, and the
ranking page and the dashboard show the units grouped by kind."""

import pytest
from django.urls import reverse

from dashboard import selectors
from dashboard.permissions import scope_for
from responsibilities.models import UnitKind
from tests.dashboard.conftest import add_score
from tests.factories import PostFactory, UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def general(cast, data):
    """A 党总支 (95, better than every branch) with two branches under it (70, 65), and a
    second 党总支 (60)."""
    first = UnitFactory(code="ZZ1", name="第一党总支", kind=UnitKind.GENERAL_BRANCH, parent=cast.committee)
    PostFactory(unit=first, title="总支书记")
    add_score(data.cur, first, 95)
    for code, score in (("ZZ1A", 70), ("ZZ1B", 65)):
        branch = UnitFactory(code=code, name=f"{code}党支部", parent=first)
        add_score(data.cur, branch, score)
    second = UnitFactory(code="ZZ2", name="第二党总支", kind=UnitKind.GENERAL_BRANCH, parent=cast.committee)
    add_score(data.cur, second, 60)
    return first


def places(lines):
    return {line.unit.code: (line.kind, line.position, line.ranked, line.exemplary) for line in lines}


def test_each_kind_is_ranked_on_its_own(client_as, cast, data, general):
    response = client_as("leader").get(reverse("dashboard:ranking"), {"period": data.cur.pk})
    assert response.status_code == 200
    got = places(response.context["lines"])
    # The 党总支 scored 95, more than any branch: branch A is still first among branches.
    assert got["ZBA"] == (UnitKind.BRANCH, 1, 4, True)
    assert got["ZBB"] == (UnitKind.BRANCH, 2, 4, True)
    assert got["ZZ1A"] == (UnitKind.BRANCH, 3, 4, True)
    assert got["ZZ1B"] == (UnitKind.BRANCH, 4, 4, False)
    assert got["ZZ1"] == (UnitKind.GENERAL_BRANCH, 1, 2, True)
    assert got["ZZ2"] == (UnitKind.GENERAL_BRANCH, 2, 2, True)
    assert got["JGDW"] == (UnitKind.ORGAN_COMMITTEE, 1, 1, True)
    assert "JJZ" not in got  # the 纪检监察组 is never ranked (一、三)
    assert response.context["count"] == 7  # the units below the 党组, which is the root here


def test_the_page_shows_the_kinds_in_groups_with_their_names(client_as, cast, data, general):
    html = client_as("leader").get(reverse("dashboard:ranking"), {"period": data.cur.pk}).content.decode()
    kinds = [part.split('"', 1)[0] for part in html.split('<tbody data-kind="')[1:]]
    assert kinds == [UnitKind.ORGAN_COMMITTEE, UnitKind.GENERAL_BRANCH, UnitKind.BRANCH]
    assert "党总支" in html and "前三名" in html
    # A kind's heading comes before its units: the 党总支 before the branches.
    assert html.index("第一党总支") < html.index("甲党支部")


def test_the_dashboard_panel_groups_by_kind_too(client_as, cast, data, general):
    response = client_as("leader").get(reverse("dashboard:index"), {"period": data.cur.pk})
    assert response.status_code == 200
    lines = response.context["o"].ranking
    kinds = [line.kind for line in lines]
    assert kinds == sorted(kinds, key=lambda k: selectors.KIND_ORDER.index(k))
    assert {line.unit.code for line in lines if line.kind == UnitKind.GENERAL_BRANCH} == {"ZZ1", "ZZ2"}


def test_the_ranking_function_keeps_its_call_and_can_keep_one_kind(cast, data, general):
    scope = scope_for(cast.leader, None)
    lines, count = selectors.ranking(scope, data.cur, data.prev, limit=10)
    assert count == 7 and len(lines) == 7
    branches, count = selectors.ranking(scope, data.cur, data.prev, kind=UnitKind.BRANCH)
    assert [line.unit.code for line in branches] == ["ZBA", "ZBB", "ZZ1A", "ZZ1B"] and count == 4
    first_two, _count = selectors.ranking(scope, data.cur, None, per_kind=2)
    assert [line.unit.code for line in first_two if line.kind == UnitKind.BRANCH] == ["ZBA", "ZBB"]
    groups = selectors.by_kind(lines)
    assert [g.kind for g in groups][-1] == UnitKind.BRANCH and groups[-1].ranked == 4


def test_a_branch_secretary_sees_their_place_among_branches(client_as, cast, data, general):
    # Under the 机关党委 stand branch A (90), the 党总支's branches (70, 65) and two 党总支
    # (95, 60): B is second of the four branches, whatever the 党总支 scored.
    response = client_as("secretary_b").get(reverse("dashboard:index"), {"period": data.cur.pk})
    assert response.status_code == 200
    lines = response.context["o"].ranking
    assert [(line.unit.code, line.position, line.ranked) for line in lines] == [("ZBB", 2, 4)]
