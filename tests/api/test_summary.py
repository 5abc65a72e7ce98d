"""The period summary for the level above: the command and the endpoint give the same
versioned document, and its figures are those of the database."""

import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from api import summary
from assessments.models import Report
from assessments.services import submit_report
from oversight import services as oversight
from scoring.models import UnitScore

pytestmark = pytest.mark.django_db


@pytest.fixture
def figures(cast, period, report_a):
    submit_report(report_id=report_a.pk, actor=cast.secretary_a, content="已做")
    UnitScore.objects.create(period=period, unit=cast.unit_a, score=88.5, subtree_score=88.5, reports=3, on_time=2)
    oversight.raise_rectification(
        actor=cast.leader, unit=cast.unit_a, problem="问题", measure="措施", deadline=timezone.localdate()
    )
    return period


def test_the_command_writes_the_subtrees_figures(cast, figures, tmp_path):
    out = tmp_path / "summary.json"
    call_command("export_summary", "--period", str(figures.pk), "--unit", str(cast.committee.pk), "--output", str(out))
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["format"] == summary.FORMAT and document["version"] == 1
    assert document["period"]["id"] == figures.pk and document["root"]["code"] == cast.committee.code
    units = {u["code"]: u for u in document["units"]}
    assert set(units) == {cast.committee.code, cast.unit_a.code, cast.unit_b.code}
    assert units[cast.unit_a.code]["parent_code"] == cast.committee.code
    assert units[cast.committee.code]["parent_code"] == cast.party_group.code
    for unit in (cast.committee, cast.unit_a, cast.unit_b):
        row = units[unit.code]["reports"]
        for state in Report.State.values:
            assert row[state] == Report.objects.filter(period=figures, unit=unit, state=state).count()
        assert row["total"] == Report.objects.filter(period=figures, unit=unit).count()
    assert units[cast.unit_a.code]["score"] == {"score": "88.50", "subtree_score": "88.50", "reports": 3, "on_time": 2}
    assert units[cast.unit_b.code]["score"] is None
    assert units[cast.unit_a.code]["rectifications"]["open"] == 1
    assert document["totals"]["units"] == 3
    assert document["totals"]["reports"]["total"] == sum(u["reports"]["total"] for u in document["units"])
    assert document["totals"]["rectifications"]["total"] == 1


def test_the_whole_organization_without_a_unit(cast, figures, capsys):
    call_command("export_summary", "--period", str(figures.pk))
    document = json.loads(capsys.readouterr().out)
    assert document["root"] is None and document["totals"]["units"] == 5
    assert document["totals"]["reports"]["total"] == Report.objects.filter(period=figures).count()


def test_the_command_refuses_what_does_not_exist(cast, figures):
    with pytest.raises(CommandError):
        call_command("export_summary", "--period", "999999")
    with pytest.raises(CommandError):
        call_command("export_summary", "--period", str(figures.pk), "--unit", "999999")


def test_the_endpoint_gives_the_same_document_to_those_who_cover_the_subtree(cast, figures, api_as, capsys):
    call_command("export_summary", "--period", str(figures.pk), "--unit", str(cast.unit_a.pk))
    by_command = json.loads(capsys.readouterr().out)
    response = api_as(cast.secretary_a).get("/api/v1/summary/", {"period": figures.pk, "unit": cast.unit_a.pk})
    assert response.status_code == 200
    by_api = response.json()
    by_command.pop("generated_at"), by_api.pop("generated_at")
    assert by_api == by_command
    assert (
        api_as(cast.secretary_b).get("/api/v1/summary/", {"period": figures.pk, "unit": cast.unit_a.pk}).status_code
        == 404
    )
    assert api_as(cast.secretary_a).get("/api/v1/summary/", {"period": figures.pk}).status_code == 404
    assert api_as(cast.admin).get("/api/v1/summary/", {"period": figures.pk}).status_code == 200
    assert api_as(cast.admin).get("/api/v1/summary/").status_code == 400
    assert api_as(cast.admin).get("/api/v1/summary/", {"period": 999999}).status_code == 404


def test_the_document_is_what_the_schema_describes(cast, figures):
    from api.serializers import SummarySerializer

    document = summary.build(period=figures, root=None)
    checked = SummarySerializer(data=document)
    assert checked.is_valid(), checked.errors
    described = set(SummarySerializer().fields)
    assert described == set(document)
    unit_fields = set(SummarySerializer().fields["units"].child.fields)
    assert all(set(unit) == unit_fields for unit in document["units"])
