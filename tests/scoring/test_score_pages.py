"""The scores page and a unit's breakdown: leadership, admins and supervisors see every
unit; a secretary sees their own, and another unit's breakdown is a 404."""

import pytest
from django.urls import reverse

from scoring.models import UnitScore

pytestmark = pytest.mark.django_db
ROLES = ["anonymous", "admin", "leader", "other_leader", "secretary_a", "secretary_b", "supervisor"]
EVERY_UNIT = {"admin", "leader", "other_leader", "supervisor"}


@pytest.mark.parametrize("role", ROLES)
def test_scores_page_shows_each_role_what_it_may_see(client_as, scored, role):
    response = client_as(role).get(reverse("scoring:scores"))
    if role == "anonymous":
        assert response.status_code == 302 and reverse("login") in response["Location"]
        return
    assert response.status_code == 200
    page = response.content.decode()
    if role in EVERY_UNIT:
        assert "甲党支部" in page and "乙党支部" in page and "党组" in page
    elif role == "secretary_a":
        assert "甲党支部" in page and "乙党支部" not in page
    else:
        assert "乙党支部" in page and "甲党支部" not in page


@pytest.mark.parametrize("role", ROLES)
def test_breakdown_of_unit_a(client_as, cast, scored, role):
    url = reverse("scoring:unit_score", args=[scored.pk, cast.unit_a.code])
    response = client_as(role).get(url)
    if role == "anonymous":
        assert response.status_code == 302
    elif role in EVERY_UNIT | {"secretary_a"}:
        assert response.status_code == 200
        assert "缺报或锁定" in response.content.decode()  # the missing reports and their deductions
    else:
        assert response.status_code == 404


def test_a_person_without_a_post_or_role_is_refused(client, scored):
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="nobody"))
    assert client.get(reverse("scoring:scores")).status_code == 403


def test_breakdown_explains_report_deduction_and_bonus(client_as, cast, scored, django_assert_max_num_queries):
    client = client_as("leader")
    url = reverse("scoring:unit_score", args=[scored.pk, cast.unit_a.code])
    with django_assert_max_num_queries(8):
        page = client.get(url).content.decode()
    score = UnitScore.objects.get(period=scored, unit=cast.unit_a)
    assert f"{score.score:.1f}" in page and "优秀" in page and "100.0" in page
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = client.get(url).content.decode()
    assert "Branch A" in english and "Missing or locked" in english and "Excellent" in english


def test_scores_page_query_count_does_not_grow_with_units(client_as, cast, scored, django_assert_max_num_queries):
    client = client_as("admin")
    with django_assert_max_num_queries(8):
        assert client.get(reverse("scoring:scores")).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(reverse("scoring:scores"), {"period": scored.pk}).status_code == 200


def test_bad_period_or_unit_is_404(client_as, cast, scored):
    client = client_as("admin")
    assert client.get(reverse("scoring:scores"), {"period": "x"}).status_code == 404
    assert client.get(reverse("scoring:scores"), {"period": "999999"}).status_code == 404
    assert client.get(reverse("scoring:unit_score", args=[scored.pk, "NOPE"])).status_code == 404
    assert client.get(reverse("scoring:unit_score", args=[999999, cast.unit_a.code])).status_code == 404


def test_no_scores_yet_says_when_they_come(client_as, cast):
    page = client_as("admin").get(reverse("scoring:scores")).content.decode()
    assert "尚无考核周期完成计分" in page
