"""Who may see which dashboard (DESIGN.md, "Who may do what"): leaders, admins and
supervisors everything; a secretary their own unit only; others nothing."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

EVERYTHING = ["admin", "leader", "other_leader", "supervisor"]
PAGES = ["dashboard:index", "dashboard:ranking", "dashboard:reports", "dashboard:exports"]


@pytest.mark.parametrize("name", PAGES)
def test_anonymous_is_sent_to_sign_in(client_as, data, name):
    response = client_as("anonymous").get(reverse(name), {"period": data.cur.pk})
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("role", EVERYTHING)
def test_leaders_admins_and_supervisors_see_the_whole_organization(client_as, data, role):
    client = client_as(role)
    response = client.get(reverse("dashboard:index"))
    assert response.status_code == 200
    assert response.context["o"].total == 9
    assert client.get(reverse("dashboard:ranking")).status_code == 200


def test_a_secretary_sees_only_their_own_unit(client_as, data, cast):
    client = client_as("secretary_a")
    response = client.get(reverse("dashboard:index"))
    assert response.status_code == 200
    o = response.context["o"]
    assert o.total == 4
    assert [(row.unit.code, row.own) for row in o.rows] == [("ZBA", True)]
    assert [line.unit.code for line in o.ranking] == ["ZBA"]  # their own place only
    assert client.get(reverse("dashboard:reports")).context["page"].paginator.count == 4


@pytest.mark.parametrize("unit", ["unit_b", "committee", "party_group"])
def test_a_secretary_asking_for_another_unit_gets_404(client_as, cast, data, unit):
    client = client_as("secretary_a")
    pk = getattr(cast, unit).pk
    assert client.get(reverse("dashboard:index"), {"unit": pk}).status_code == 404
    assert client.get(reverse("dashboard:reports"), {"unit": pk}).status_code == 404
    assert client.get(reverse("dashboard:exports"), {"unit": pk, "period": data.cur.pk}).status_code == 404


def test_a_secretary_may_not_open_the_ranking_across_units(client_as, data):
    assert client_as("secretary_a").get(reverse("dashboard:ranking")).status_code == 403


def test_someone_without_a_role_or_post_gets_403(client, data):
    client.force_login(UserFactory(username="nobody"))
    assert client.get(reverse("dashboard:index")).status_code == 403


@pytest.mark.parametrize(
    "params",
    [{"period": "abc"}, {"period": "999999"}, {"unit": "abc"}, {"unit": "999999"}],
)
def test_bad_ids_in_the_url_answer_404_not_500(client_as, data, params):
    assert client_as("leader").get(reverse("dashboard:index"), params).status_code == 404


def test_home_sends_leaders_and_supervisors_to_the_dashboard(client_as, data):
    for role in ("leader", "supervisor"):
        response = client_as(role).get(reverse("home"))
        assert response.status_code == 302
        assert response.url == reverse("dashboard:index")


def test_the_dashboard_speaks_chinese_first_and_english_on_request(client_as, data):
    client = client_as("leader")
    chinese = client.get(reverse("dashboard:index")).content.decode()
    assert "分类别热力图" in chinese and "完成情况" in chinese and "前三名" in chinese
    client.cookies["django_language"] = "en"
    english = client.get(reverse("dashboard:index")).content.decode()
    assert "Heatmap by category" in english and "Top three" in english


def test_an_empty_install_says_what_comes_next(client_as, cast):
    response = client_as("leader").get(reverse("dashboard:index"))
    assert response.status_code == 200
    assert "尚无已开放的考核周期" in response.content.decode()


def test_exports_are_listed_in_the_admin_but_not_made_there(client, cast, data):
    from dashboard.models import Export

    Export.objects.create(kind=Export.Kind.PDF, period=data.cur)
    cast.admin.is_staff = cast.admin.is_superuser = True
    cast.admin.save()
    client.force_login(cast.admin)
    assert "半年党建工作汇报材料（PDF）" in client.get(reverse("admin:dashboard_export_changelist")).content.decode()
    assert client.get(reverse("admin:dashboard_export_add")).status_code == 403
