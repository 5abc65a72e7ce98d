"""The ranking is kept in the cache under a stamp of the stored scores and the unit tree
(issue 15, ten times province scale): a report's change does not make PostgreSQL rank
every unit again, and a recompute, a deleted score or a renamed unit shows at once — no
stale place or name reaches anyone."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import Report
from dashboard import selectors
from dashboard.permissions import scope_for
from scoring.models import UnitScore
from scoring.services import compute_scores

pytestmark = pytest.mark.django_db


def lines(cast, data, user="leader"):
    scope = scope_for(getattr(cast, user))
    got, _count = selectors.ranking(scope, data.cur, data.prev, limit=30)
    return [(line.unit.code, line.score, line.position) for line in got]


def ranking_page(client, data):
    response = client.get(reverse("dashboard:ranking"), {"period": data.cur.pk})
    assert response.status_code == 200
    return [(line.unit.code, line.score, line.position) for line in response.context["lines"]]


def ranked_queries(captured) -> list[str]:
    return [q["sql"] for q in captured if "RANK()" in q["sql"]]


def test_a_report_changed_does_not_rank_every_unit_again(client_as, cast, data):
    client = client_as("leader")
    client.get(reverse("dashboard:index"))
    report = data.reports["a_submitted"]
    report.state = Report.State.APPROVED
    report.save()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("dashboard:index"))
    assert response.context["o"].totals[Report.State.APPROVED] == 4  # the change is shown
    assert ranked_queries(captured) == []  # the ranking came from the cache
    assert [line.unit.code for line in response.context["o"].ranking] == ["JGDW", "ZBA", "ZBB"]


def test_a_score_written_again_shows_its_new_place_at_once(client_as, cast, data):
    client = client_as("leader")
    assert ranking_page(client, data)[1:] == [("ZBA", Decimal("90.00"), 1), ("ZBB", Decimal("80.00"), 2)]
    assert lines(cast, data)[1:] == [("ZBA", Decimal("90.00"), 1), ("ZBB", Decimal("80.00"), 2)]
    score = UnitScore.objects.get(period=data.cur, unit=cast.unit_b)
    score.score = Decimal("95.00")
    score.save()  # what a recompute writes: computed_at with it
    assert lines(cast, data)[1:] == [("ZBB", Decimal("95.00"), 1), ("ZBA", Decimal("90.00"), 2)]
    assert ranking_page(client, data)[1:] == [("ZBB", Decimal("95.00"), 1), ("ZBA", Decimal("90.00"), 2)]
    html = client.get(reverse("dashboard:index")).content.decode()
    panel = html[html.index('id="ranking-title"') :]
    assert panel.index("乙党支部") < panel.index("甲党支部")  # the dashboard's panel too


def test_a_recompute_of_the_period_shows_the_new_ranking_at_once(client_as, cast, data):
    client = client_as("leader")
    before = ranking_page(client, data)
    summary = compute_scores(period=data.cur)
    assert summary is not None
    stored = {
        s.unit.code: s.score
        for s in UnitScore.objects.filter(period=data.cur).select_related("unit").exclude(unit=cast.discipline)
    }
    after = ranking_page(client, data)
    assert {code: score for code, score, _position in after} == {
        code: score for code, score in stored.items() if code != "DZ"
    }
    assert after != before  # the hand-made scores of the fixture were replaced
    assert lines(cast, data) == after


def test_a_score_deleted_leaves_the_ranking_at_once(client_as, cast, data):
    client = client_as("leader")
    assert "ZBB" in [code for code, _s, _p in ranking_page(client, data)]
    UnitScore.objects.filter(period=data.cur, unit=cast.unit_b).delete()
    assert "ZBB" not in [code for code, _s, _p in ranking_page(client, data)]
    assert "ZBB" not in [code for code, _s, _p in lines(cast, data)]


def test_a_unit_renamed_or_moved_shows_at_once(client_as, cast, data):
    client = client_as("leader")
    ranking_page(client, data)
    unit = cast.unit_b
    unit.name = "乙党支部（更名）"
    unit.save()
    assert "乙党支部（更名）" in client.get(reverse("dashboard:ranking"), {"period": data.cur.pk}).content.decode()
    assert "乙党支部（更名）" in client.get(reverse("dashboard:index")).content.decode()


def test_a_secretary_sees_their_own_place_from_the_cache_and_after_a_recompute(client_as, cast, data):
    client = client_as("secretary_a")
    first = client.get(reverse("dashboard:index")).context["o"].ranking
    assert [(line.unit.code, line.position) for line in first] == [("ZBA", 1)]
    score = UnitScore.objects.get(period=data.cur, unit=cast.unit_b)
    score.score = Decimal("99.00")
    score.save()
    again = client.get(reverse("dashboard:index")).context["o"].ranking
    assert [(line.unit.code, line.position) for line in again] == [("ZBA", 2)]


def test_the_trend_follows_a_score_written_again_at_once(client_as, cast, data):
    client = client_as("leader")
    trend = client.get(reverse("dashboard:index")).context["o"].trend
    assert [float(p.subtree_score) for p in trend] == [80.0, 82.0]
    report = data.reports["a_submitted"]
    report.state = Report.State.APPROVED
    report.save()
    with CaptureQueriesContext(connection) as captured:
        again = client.get(reverse("dashboard:index")).context["o"].trend
    assert [float(p.subtree_score) for p in again] == [80.0, 82.0]
    assert not [q for q in captured if 'SUM("scoring_unitscore"."on_time")' in q["sql"]]  # from the cache
    score = UnitScore.objects.get(period=data.cur, unit=cast.party_group)
    score.subtree_score = Decimal("77.50")
    score.save()
    trend = client.get(reverse("dashboard:index")).context["o"].trend
    assert [float(p.subtree_score) for p in trend] == [80.0, 77.5]
