"""The unit's plan for the next half year (下半年工作打算), written on the page of its last open
report of the period when it submits it, and printed in the hearing pack (一、三).

Who may write it: whoever may file that report (the unit's post holder); everyone else is
refused with no data change. Bad input (too long) is told plainly and changes nothing.
"""

import pytest
from django.urls import reverse

from assessments.models import Report, UnitPlan

pytestmark = pytest.mark.django_db
FIELD = 'name="next_half_plan"'


@pytest.fixture
def last_open(cast, period):
    """Unit A with every report but one submitted: that one is its last open report."""
    reports = list(Report.objects.filter(period=period, unit=cast.unit_a).order_by("pk"))
    assert len(reports) >= 2
    Report.objects.filter(pk__in=[r.pk for r in reports[1:]]).update(state=Report.State.SUBMITTED)
    return reports[0]


def file_url(report):
    return reverse("assessments:report_file", args=[report.pk])


def test_the_field_shows_on_the_units_last_open_report_only(client_as, cast, period, last_open):
    client = client_as("secretary_a")
    page = client.get(reverse("assessments:report", args=[last_open.pk])).content.decode()
    assert FIELD in page and "下半年工作打算" in page
    assert "这是本单位本周期最后一项待报送的报告" in page
    # another unit's report with several still open: no plan asked
    other = Report.objects.filter(period=period, unit=cast.unit_b, state=Report.State.DRAFT).first()
    if Report.objects.filter(period=period, unit=cast.unit_b, state=Report.State.DRAFT).count() > 1:
        page_b = client_as("secretary_b").get(reverse("assessments:report", args=[other.pk])).content.decode()
        assert FIELD not in page_b
    # readers (a leader) never see the field
    page = client_as("leader").get(reverse("assessments:report", args=[last_open.pk])).content.decode()
    assert FIELD not in page


def test_the_field_is_in_english_for_an_english_reader(client_as, last_open):
    client = client_as("secretary_a")
    client.post(reverse("set_language"), {"language": "en"})
    page = client.get(reverse("assessments:report", args=[last_open.pk])).content.decode()
    assert FIELD in page and "Plan for the next half year" in page
    assert "This is your unit's last report of the period still to file" in page.replace("&#x27;", "'")


def test_no_field_while_other_reports_are_still_open(client_as, cast, period):
    reports = Report.objects.filter(period=period, unit=cast.unit_a, state=Report.State.DRAFT)
    assert reports.count() >= 2
    page = client_as("secretary_a").get(reverse("assessments:report", args=[reports.first().pk])).content.decode()
    assert FIELD not in page
    # a plan posted all the same is ignored: the page did not ask for it
    client_as("secretary_a").post(
        file_url(reports.first()), {"content": "召开支部委员会", "next_half_plan": "偷偷写的打算", "action": "save"}
    )
    assert not UnitPlan.objects.exists()


def test_submitting_the_last_report_keeps_the_plan_for_the_unit(client_as, cast, period, last_open):
    client = client_as("secretary_a")
    response = client.post(
        file_url(last_open),
        {
            "content": "召开支部委员会三次",
            "self_assessment": "good",
            "next_half_plan": "  开展专题党课。\n",
            "action": "submit",
        },
    )
    assert response.status_code == 302
    plan = UnitPlan.objects.get()
    assert (plan.period, plan.unit, plan.text, plan.written_by) == (
        period,
        cast.unit_a,
        "开展专题党课。",
        cast.secretary_a,
    )
    last_open.refresh_from_db()
    assert last_open.state == Report.State.SUBMITTED
    # returned later, the page asks again with the plan filled in, and a new text replaces it
    Report.objects.filter(pk=last_open.pk).update(state=Report.State.RETURNED)
    page = client.get(reverse("assessments:report", args=[last_open.pk])).content.decode()
    assert FIELD in page and "开展专题党课。" in page
    client.post(file_url(last_open), {"content": "改好了", "next_half_plan": "改为两次专题党课。", "action": "save"})
    assert UnitPlan.objects.get().text == "改为两次专题党课。"


@pytest.mark.parametrize(
    ("role", "status"), [("leader", 403), ("admin", 403), ("supervisor", 403), ("secretary_b", 404), ("anonymous", 302)]
)
def test_only_the_unit_may_write_its_plan(client_as, last_open, role, status):
    before = Report.objects.get(pk=last_open.pk).content
    response = client_as(role).post(
        file_url(last_open), {"content": "别人写的", "next_half_plan": "别人写的打算", "action": "submit"}
    )
    assert response.status_code == status
    assert not UnitPlan.objects.exists()
    assert Report.objects.get(pk=last_open.pk).content == before


def test_a_plan_too_long_is_told_and_changes_nothing(client_as, last_open):
    response = client_as("secretary_a").post(
        file_url(last_open),
        {"content": "召开支部委员会", "next_half_plan": "打" * (UnitPlan.MAX_LENGTH + 1), "action": "submit"},
    )
    assert response.status_code == 400
    assert f"工作打算请控制在 {UnitPlan.MAX_LENGTH} 字以内。" in response.content.decode()
    assert not UnitPlan.objects.exists()
    last_open.refresh_from_db()
    assert last_open.state == Report.State.DRAFT and last_open.content != "召开支部委员会"


def test_the_report_page_costs_a_fixed_number_of_queries_with_the_plan(
    client_as, last_open, django_assert_max_num_queries
):
    client = client_as("secretary_a")
    client.get(reverse("assessments:report", args=[last_open.pk]))
    with django_assert_max_num_queries(13):
        assert client.get(reverse("assessments:report", args=[last_open.pk])).status_code == 200
