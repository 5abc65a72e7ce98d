"""Each endpoint costs a fixed number of queries, whatever the number of rows: pinned here."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.models import Report
from scoring.models import ScoreLine, UnitScore
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db

# The token's check (1), its owner's roles (1) and what the scope module reads, then the page.
PINNED = {
    "/api/v1/units/": 7,  # and the current liaison of each unit (issue 12)
    "/api/v1/posts/": 5,
    "/api/v1/duties/": 4,
    "/api/v1/assignments/": 5,
    "/api/v1/reports/": 5,
    "/api/v1/scores/": 5,
    "/api/v1/rectifications/": 5,
    "/api/v1/notices/": 5,
    "/api/v1/notifications/": 4,
    "/api/v1/dashboard/": 10,
    "/api/v1/summary/?period={period}": 10,
    "/api/v1/reports/{report}/": 6,
    "/api/v1/scores/{score}/": 6,
}


@pytest.mark.parametrize("who", ["admin", "secretary_a"])
def test_queries_do_not_grow_with_rows(cast, period, report_a, api_as, who):
    for n in range(6):
        UnitFactory(code=f"ZBX{n}", name=f"支部{n}", parent=cast.committee)
    score = UnitScore.objects.create(period=period, unit=cast.unit_a, score=90, subtree_score=90, reports=1, on_time=1)
    for report in Report.objects.filter(unit=cast.unit_a)[:5]:
        ScoreLine.objects.create(unit_score=score, kind="report", report=report, label="x", points=1, cause="graded")
    user = getattr(cast, who)
    api = api_as(user)
    found = {}
    for path, most in PINNED.items():
        if who != "admin" and "summary" in path:
            continue
        url = path.format(period=period.pk, report=report_a.pk, score=score.pk)
        user.__dict__.pop("_mingze_access", None)
        with CaptureQueriesContext(connection) as queries:
            response = api.get(url)
        assert response.status_code == 200, (url, response.content[:200])
        found[url] = (len(queries), most)
    over = {url: n for url, n in found.items() if n[0] > n[1]}
    assert over == {}, over
