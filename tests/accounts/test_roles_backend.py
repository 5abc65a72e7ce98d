"""The signed-in person is read with their roles in one query (accounts/backends.py,
issue 15): role changes still take effect on the next request, sessions signed in before
keep working, and a refused sign-in is refused once."""

import pytest
from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_login_failed
from django.urls import reverse

from accounts import roles

pytestmark = pytest.mark.django_db
QUEUE = reverse("assessments:review_queue")


def test_a_role_taken_away_counts_from_the_next_request(client_as, cast):
    client = client_as("leader")
    assert client.get(QUEUE).status_code == 200
    cast.leader.groups.remove(Group.objects.get(name=roles.LEADER))
    assert client.get(QUEUE).status_code == 403
    cast.leader.groups.add(Group.objects.get(name=roles.LEADER))
    assert client.get(QUEUE).status_code == 200


def test_the_person_and_their_roles_are_one_query(client_as, cast, django_assert_num_queries):
    from accounts.backends import RolesBackend

    with django_assert_num_queries(1):
        user = RolesBackend().get_user(cast.admin.pk)
        assert roles.main_role(user) == roles.ADMIN and roles.is_admin(user)


def test_a_session_signed_in_through_djangos_model_backend_still_works(client, cast):
    client.force_login(cast.leader, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(QUEUE).status_code == 200


def test_signing_in_uses_the_roles_backend_and_a_wrong_password_fails_once(client, cast):
    cast.leader.set_password("right-password-1")
    cast.leader.save()
    failures = []

    def failed(**kwargs):
        failures.append(kwargs)

    user_login_failed.connect(failed)
    try:
        refused = client.post(reverse("login"), {"username": cast.leader.username, "password": "wrong"})
        assert refused.status_code == 200 and "_auth_user_id" not in client.session
        client.post(reverse("login"), {"username": cast.leader.username, "password": "right-password-1"})
    finally:
        user_login_failed.disconnect(failed)
    assert len(failures) == 1
    assert client.session["_auth_user_backend"] == "accounts.backends.RolesBackend"
    assert client.get(QUEUE).status_code == 200
