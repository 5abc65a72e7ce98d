"""三员分立: the 系统管理员, 安全管理员 and 审计管理员 each do their own work only (the
permission matrix checks every page; these check what the pages do)."""

import pytest
from django.urls import reverse

from accounts import roles
from accounts.models import SecurityEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def security(client):
    client.force_login(UserFactory(username="anquan", roles=[roles.SECURITY_ADMIN]))
    return client


def test_each_lands_on_their_own_page(client):
    for role, page in ((roles.SECURITY_ADMIN, "/accounts/"), (roles.AUDIT_ADMIN, "/security/log/")):
        client.force_login(UserFactory(username=role, roles=[role]))
        assert client.get(reverse("home"))["Location"] == page


def test_the_security_admin_lists_and_searches_accounts(security, cast, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        page = security.get(reverse("accounts:people"), {"q": "sec_"})
    assert page.status_code == 200
    assert [row["person"].username for row in page.context["rows"]] == ["sec_a", "sec_b"]


def test_the_security_admin_changes_roles_and_it_is_logged(security, cast, django_assert_max_num_queries):
    url = reverse("accounts:person", kwargs={"pk": cast.secretary_b.pk})
    with django_assert_max_num_queries(10):
        assert security.get(url).status_code == 200
    response = security.post(url, {"roles": [roles.SECRETARY, roles.LEADER], "is_active": "on"})
    assert response.status_code == 302
    assert roles.roles_of(type(cast.secretary_b).objects.get(pk=cast.secretary_b.pk)) == {"secretary", "leader"}
    logged = SecurityEvent.objects.filter(username="sec_b").values_list("kind", "actor")
    assert ("account_changed", "anquan") in list(logged) and ("roles_changed", "") in list(logged)
    assert security.post(url, {"roles": ["no-such-role"]}).status_code == 400


def test_the_security_admin_sets_a_password_and_lifts_a_lockout(security, cast, client):
    url = reverse("accounts:person_password", kwargs={"pk": cast.secretary_b.pk})
    assert security.post(url, {"new_password1": "short", "new_password2": "short"}).status_code == 400
    response = security.post(url, {"new_password1": "Given-pass-2026", "new_password2": "Given-pass-2026"})
    assert response.status_code == 302
    cast.secretary_b.refresh_from_db()
    assert cast.secretary_b.check_password("Given-pass-2026")
    unlock = security.post(reverse("accounts:person_unlock", kwargs={"pk": cast.secretary_b.pk}))
    assert unlock.status_code == 302
    assert SecurityEvent.objects.filter(kind="unlocked", username="sec_b", actor="anquan").exists()


def test_the_system_admin_cannot_do_the_others_work(client, cast):
    client.force_login(cast.admin)
    for name in ("accounts:people", "audit:security_log", "audit:trail", "audit:security_log_export"):
        assert client.get(reverse(name)).status_code == 403
    url = reverse("accounts:person", kwargs={"pk": cast.secretary_b.pk})
    assert client.post(url, {"roles": [roles.ADMIN]}).status_code == 403


def test_the_auditor_changes_nothing(client, cast):
    client.force_login(UserFactory(username="shenji", roles=[roles.AUDIT_ADMIN]))
    url = reverse("accounts:person", kwargs={"pk": cast.secretary_b.pk})
    assert client.post(url, {"roles": [roles.ADMIN]}).status_code == 403
    assert client.post(reverse("audit:security_log")).status_code == 405
    assert client.get(reverse("responsibilities:checklist")).status_code == 403
