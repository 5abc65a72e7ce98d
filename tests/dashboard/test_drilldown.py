"""Every number of the dashboard leads to the reports behind it, with its filters in the URL."""

import html
import re

import pytest
from django.urls import reverse

from tests.dashboard.conftest import add_report

pytestmark = pytest.mark.django_db

LINK = re.compile(r'<a href="(/dashboard/reports/\?[^"]*)"[^>]*>\s*(?:<[^>]+>\s*)*(\d+)(?:/(\d+))?\s*<')


def numbered_links(page: str):
    """(url, the number the link shows) for every link to the report list."""
    for url, first, second in LINK.findall(page):
        yield html.unescape(url), int(second if second else first)


@pytest.mark.parametrize("params", [{}, {"unit": "committee"}])
def test_every_number_leads_to_as_many_reports(client_as, cast, data, params):
    client = client_as("leader")
    params = {k: getattr(cast, v).pk for k, v in params.items()}
    page = client.get(reverse("dashboard:index"), params).content.decode()
    links = list(numbered_links(page))
    assert len(links) >= 15
    for url, shown in links:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.context["page"].paginator.count == shown, url


def test_filters_combine_and_stay_in_the_url(client_as, cast, data):
    client = client_as("leader")
    url = reverse("dashboard:reports")
    base = {"period": data.cur.pk}
    assert client.get(url, {**base, "unit": cast.committee.pk}).context["page"].paginator.count == 7
    assert client.get(url, {**base, "unit": cast.committee.pk, "exact": "on"}).context["page"].paginator.count == 1
    red_of_a = client.get(url, {**base, "unit": cast.unit_a.pk, "warning": "red"})
    assert {r.pk for r in red_of_a.context["page"]} == {data.reports["a_draft"].pk, data.reports["a_returned"].pk}
    in_c1 = client.get(url, {**base, "category": data.c1.pk, "state": "approved"})
    assert in_c1.context["page"].paginator.count == 3
    assert client.get(url, {"period": data.prev.pk}).context["page"].paginator.count == 1


def test_the_list_pages_through_many_reports_keeping_its_filters(client_as, cast, data):
    for _ in range(55):
        add_report(period=data.cur, unit=cast.unit_b, category=data.c1, state="draft", checklist=cast.checklist)
    client = client_as("leader")
    first = client.get(reverse("dashboard:reports"), {"period": data.cur.pk, "unit": cast.unit_b.pk, "state": "draft"})
    assert first.context["page"].paginator.count == 55
    assert len(first.context["page"].object_list) == 50
    assert f"period={data.cur.pk}&amp;unit={cast.unit_b.pk}&amp;state=draft&amp;page=2" in first.content.decode()
    second = client.get(
        reverse("dashboard:reports"), {"period": data.cur.pk, "unit": cast.unit_b.pk, "state": "draft", "page": 2}
    )
    assert len(second.context["page"].object_list) == 5


@pytest.mark.parametrize(
    "params", [{"state": "nonsense"}, {"warning": "purple"}, {"category": "x"}, {"period": "0"}, {"unit": "-3"}]
)
def test_bad_filters_answer_400_with_a_message(client_as, data, params):
    response = client_as("leader").get(reverse("dashboard:reports"), params)
    assert response.status_code == 400
    assert "筛选条件无效" in response.content.decode()


def test_the_lists_count_reads_the_reports_alone(client_as, cast, data, settings):
    """The count behind the pager joins no assignment: the rows shown join their assignment within
    its province (docs/scale.md 5), which keeps every report, but a count joining it looked
    each counted report's assignment up one by one (at ten times province scale, 300,000
    reports due within the week: 0.5 s of a 0.55 s page). Counted from the reports: where
    the report tally is kept it answers (tests/assessments/test_queue_tally.py)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.MINGZE_REPORT_TALLY = False
    client = client_as("leader")
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("dashboard:reports"), {"period": data.cur.pk, "unit": cast.committee.pk})
    assert response.context["page"].paginator.count == 7
    count = 'COUNT(*) AS "__count" FROM "assessments_report"'
    counts = [q["sql"] for q in captured.captured_queries if count in q["sql"]]
    assert counts and not [sql for sql in counts if 'JOIN "responsibilities_assignment"' in sql], counts
