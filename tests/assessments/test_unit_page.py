import pytest
from django.urls import reverse

from assessments import services
from assessments.models import Report
from responsibilities.services import assign_by_subject
from tests.assessments.pages import count_queries
from tests.factories import PostFactory, UnitFactory

pytestmark = pytest.mark.django_db


def url(unit, period=None):
    base = reverse("assessments:unit", args=[unit.pk])
    return f"{base}?period={period.year}-H{period.half}" if period else base


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        ("admin", 200),
        ("leader", 200),
        ("other_leader", 200),
        ("supervisor", 200),
        ("secretary_a", 200),
        ("secretary_b", 404),
    ],
)
def test_unit_page_answers_each_role(client_as, cast, period, role, status):
    assert client_as(role).get(url(cast.unit_a, period)).status_code == status


def test_a_secretary_sees_only_their_own_unit(client_as, cast, period):
    client = client_as("secretary_a")
    assert client.get(url(cast.committee)).status_code == 404
    assert client.get(url(cast.unit_b)).status_code == 404
    assert client.get(reverse("assessments:unit", args=[999999])).status_code == 404


def test_completion_numbers_with_one_decimal_and_the_count(client_as, cast, period):
    first, second, third = Report.objects.filter(period=period, unit=cast.unit_a).order_by("pk")[:3]
    total = Report.objects.filter(period=period, unit=cast.unit_a).count()
    for report in (first, second, third):
        services.submit_report(report_id=report.pk, actor=cast.secretary_a, content="已落实")
    services.approve_report(report_id=first.pk, actor=cast.leader, grade="good")
    services.return_report(report_id=second.pk, actor=cast.leader, comment="补充")
    page = client_as("leader").get(url(cast.unit_a, period)).content.decode()
    assert f"{100 / total:.1f}% (1/{total})" in page  # approved
    assert f"{200 / total:.1f}% (2/{total})" in page  # handed in: submitted or approved
    assert "已退回" in page and "良好" in page
    assert "下属各单位" not in page  # a branch has no roll-up


def test_committee_rolls_up_its_subtree(client_as, cast, period):
    (report,) = Report.objects.filter(period=period, unit=cast.unit_b).order_by("pk")[:1]
    services.submit_report(report_id=report.pk, actor=cast.secretary_b, content="已落实")
    services.approve_report(report_id=report.pk, actor=cast.other_leader, grade="excellent")
    page = client_as("admin").get(url(cast.committee, period)).content.decode()
    rollup = page[page.index("下属各单位") : page.index("本单位落实情况报告")]
    assert "甲党支部" in rollup and "乙党支部" in rollup and "纪检监察组" not in rollup
    below = Report.objects.filter(period=period, unit__path__startswith=cast.committee.path).count()
    assert f"{100 / below:.1f}% (1/{below})" in rollup  # the total line
    whole = client_as("admin").get(url(cast.party_group, period)).content.decode()
    assert "纪检监察组" in whole[whole.index("下属各单位") :]


def test_roll_up_query_count_is_pinned_whatever_the_tree(client_as, cast, period):
    client = client_as("admin")
    before = count_queries(client, url(cast.party_group, period))
    # with the navigation's (does the admin carry a post: 我的责任?), the unit's liaison and
    # the honours conferred on it (评先评优)
    assert before <= 12
    for n in range(8):
        PostFactory(unit=UnitFactory(parent=cast.committee, code=f"ZX{n}"), title="支部书记")
    assign_by_subject(checklist=cast.checklist)
    services.open_period(period=period)
    assert count_queries(client, url(cast.party_group, period)) == before


@pytest.mark.parametrize("value", ["nonsense", "1999-H1", "2026-H3", "-H1", "2026-H1'--"])
def test_a_bad_period_in_the_url_is_404(client_as, cast, period, value):
    response = client_as("admin").get(reverse("assessments:unit", args=[cast.unit_a.pk]), {"period": value})
    assert response.status_code == 404


def test_without_a_period_the_page_says_so(client_as, cast):
    page = client_as("admin").get(url(cast.unit_a)).content.decode()
    assert "尚未开放任何考核周期" in page


def test_english_unit_page(client_as, cast, period):
    client = client_as("leader")
    client.post(reverse("set_language"), {"language": "en"})
    page = client.get(url(cast.unit_a, period)).content.decode()
    assert "Branch A" in page and "Approved" in page and "Handed in" in page
