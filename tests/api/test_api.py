"""The API's reads, filters, cursor pages and problem JSON; the schema validates."""

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from assessments.models import Report
from assessments.services import submit_report
from scoring.models import ScoreLine, UnitScore

pytestmark = pytest.mark.django_db


def test_the_schema_validates_with_no_warning():
    # `manage.py spectacular --validate --fail-on-warn` exits non-zero on any warning.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")


def test_the_schema_is_served(cast, api_as):
    response = api_as(cast.secretary_a).get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    body = response.json()
    assert body["openapi"].startswith("3.")
    assert "/api/v1/reports/{id}/submit/" in body["paths"]
    assert "personalToken" in body["components"]["securitySchemes"]


def test_units_come_as_a_tree_in_cursor_pages(cast, api_as):
    api = api_as(cast.admin)
    first = api.get("/api/v1/units/", {"page_size": 2}).json()
    assert len(first["results"]) == 2 and first["next"] and first["previous"] is None
    second = api.get(first["next"]).json()
    units = first["results"] + second["results"]
    while second["next"]:
        second = api.get(second["next"]).json()
        units += second["results"]
    by_id = {u["id"]: u for u in units}
    assert by_id[cast.unit_a.pk]["parent"] == cast.committee.pk
    assert by_id[cast.party_group.pk]["parent"] is None
    assert len(by_id) == len(units) == 5


def test_report_filters_are_the_dashboards(cast, period, report_a, api_as, django_assert_max_num_queries):
    submit_report(report_id=report_a.pk, actor=cast.secretary_a, content="已做")
    api = api_as(cast.admin)
    with django_assert_max_num_queries(8):
        body = api.get("/api/v1/reports/", {"period": period.pk, "unit": cast.unit_a.pk, "state": "submitted"}).json()
    assert [r["id"] for r in body["results"]] == [report_a.pk]
    assert "content" not in body["results"][0]
    everything = api.get("/api/v1/reports/", {"period": period.pk, "unit": cast.committee.pk, "page_size": 500}).json()
    own = api.get("/api/v1/reports/", {"period": period.pk, "unit": cast.committee.pk, "exact": "true"}).json()
    assert (
        len(everything["results"])
        == Report.objects.filter(period=period, unit__in=[cast.committee, cast.unit_a, cast.unit_b]).count()
    )
    assert {r["unit"] for r in own["results"]} <= {cast.committee.pk}
    red = api.get("/api/v1/reports/", {"period": period.pk, "warning": "blue"}).json()
    assert red["results"] and all(r["state"] in ("draft", "returned", "locked") for r in red["results"])


@pytest.mark.parametrize(
    "query",
    [
        {"period": "x"},
        {"period": "999999"},
        {"state": "nonsense"},
        {"warning": "red"},
        {"unit": "abc"},
        {"page_size": "x"},
    ],
)
def test_bad_filters_are_a_400_in_problem_json(cast, period, api_as, query):
    response = api_as(cast.admin).get("/api/v1/reports/", query)
    if query == {"page_size": "x"}:  # an unusable page size falls back to the default
        assert response.status_code == 200
        return
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 400 and body["title"] and body["errors"]


def test_problem_json_for_401_403_404_405(cast, report_a, api_as, client):
    anonymous = client.get("/api/v1/reports/")
    assert anonymous.status_code == 401 and anonymous["Content-Type"] == "application/problem+json"
    assert anonymous.json()["status"] == 401
    hidden = api_as(cast.secretary_b).get(f"/api/v1/reports/{report_a.pk}/")
    assert hidden.status_code == 404 and hidden.json()["title"]
    refused = api_as(cast.leader).post(f"/api/v1/reports/{report_a.pk}/submit/", {"content": "x"}, format="json")
    assert refused.status_code == 403 and refused.json()["status"] == 403
    nowhere = api_as(cast.admin).get("/api/v1/nothing-here/")
    assert nowhere.status_code == 404 and nowhere["Content-Type"] == "application/problem+json"
    wrong_method = api_as(cast.admin).delete(f"/api/v1/reports/{report_a.pk}/")
    assert wrong_method.status_code == 405 and wrong_method.json()["status"] == 405
    unknown = api_as(cast.admin).get("/api/v1/reports/999999/")
    assert unknown.status_code == 404


def test_a_report_shows_its_text_only_to_readers_in_scope(cast, report_a, api_as):
    submit_report(report_id=report_a.pk, actor=cast.secretary_a, content="学习党章")
    assert api_as(cast.leader).get(f"/api/v1/reports/{report_a.pk}/").json()["content"] == "学习党章"
    assert api_as(cast.secretary_a).get(f"/api/v1/reports/{report_a.pk}/").json()["content"] == "学习党章"
    assert api_as(cast.secretary_b).get(f"/api/v1/reports/{report_a.pk}/").status_code == 404


def test_scores_come_with_their_breakdown(cast, period, report_a, api_as):
    score = UnitScore.objects.create(period=period, unit=cast.unit_a, score=90, subtree_score=90, reports=1, on_time=1)
    ScoreLine.objects.create(
        unit_score=score, kind="report", report=report_a, label="党章学习", points=90, cause="graded"
    )
    body = api_as(cast.secretary_a).get(reverse("api:score-detail", kwargs={"pk": score.pk})).json()
    assert body["score"] == "90.00" and body["breakdown"][0]["label"] == "党章学习"
    assert api_as(cast.secretary_b).get(reverse("api:score-detail", kwargs={"pk": score.pk})).status_code == 404


def test_dashboard_figures_match_the_reports(cast, period, report_a, api_as):
    submit_report(report_id=report_a.pk, actor=cast.secretary_a, content="已做")
    body = api_as(cast.admin).get("/api/v1/dashboard/", {"period": period.pk, "unit": cast.committee.pk}).json()
    rows = {row["unit"]: row for row in body["rows"]}
    assert rows[cast.unit_a.pk]["counts"]["submitted"] == 1
    assert rows[cast.unit_a.pk]["counts"]["total"] == Report.objects.filter(period=period, unit=cast.unit_a).count()
    assert (
        body["totals"]["total"]
        == Report.objects.filter(period=period, unit__in=[cast.committee, cast.unit_a, cast.unit_b]).count()
    )
    mine = api_as(cast.secretary_b).get("/api/v1/dashboard/", {"period": period.pk}).json()
    assert {row["unit"] for row in mine["rows"]} == {cast.unit_b.pk}


def test_a_rectification_says_where_it_was_found_and_which_duty_it_concerns(cast, api_as):
    """问题来源 and the duty concerned, read-only: the code the checklist gives the duty."""
    from oversight import services as oversight
    from responsibilities.models import Duty

    duty = Duty.objects.filter(checklist=cast.checklist).order_by("code").first()
    found = oversight.raise_rectification(
        actor=cast.leader,
        unit=cast.unit_a,
        problem="民主生活会查摆的问题",
        measure="措施",
        deadline=timezone.localdate(),
        source="democratic_life",
        duty=duty,
    )
    plain = oversight.raise_rectification(
        actor=cast.leader, unit=cast.unit_a, problem="问题", measure="措施", deadline=timezone.localdate()
    )
    api = api_as(cast.secretary_a)
    rows = {r["id"]: r for r in api.get("/api/v1/rectifications/", HTTP_ACCEPT_LANGUAGE="zh-hans").json()["results"]}
    assert (rows[found.pk]["source"], rows[found.pk]["source_label"], rows[found.pk]["duty"]) == (
        "democratic_life",
        "民主生活会",
        duty.code,
    )
    assert (rows[plain.pk]["source"], rows[plain.pk]["duty"]) == ("manual", None)
    english = api.get(f"/api/v1/rectifications/{found.pk}/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert english["source_label"] == "Democratic life meeting"
    # Read-only: the API changes neither (no write route, and the fields are not taken).
    assert (
        api.patch(f"/api/v1/rectifications/{found.pk}/", {"source": "audit", "duty": None}, format="json").status_code
        == 405
    )
    found.refresh_from_db()
    assert (found.source, found.duty) == ("democratic_life", duty)
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    props = schema["components"]["schemas"]["Rectification"]["properties"]
    assert props["duty"]["readOnly"] and props["source"]["readOnly"]
