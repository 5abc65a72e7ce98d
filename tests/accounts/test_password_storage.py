"""How passwords are stored (accounts/passwords.py ``Argon2idHasher``): Argon2id at OWASP's
recommended cost, and a password stored the old way (Django's PBKDF2, as every account made
before this setting) still signs its owner in, and is stored anew as Argon2id by that
sign-in. The tests' own settings use a fast hasher; these use the installation's."""

import pytest
from django.contrib.auth.hashers import make_password
from django.urls import reverse

from config.settings import base
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
OURS = "argon2$argon2id$v=19$m=19456,t=2,p=1$"


@pytest.fixture
def stored_as_installed(settings):
    settings.PASSWORD_HASHERS = base.PASSWORD_HASHERS


def test_a_new_password_is_stored_as_argon2id_at_the_documented_cost(stored_as_installed):
    person = UserFactory(username="cunchu")
    person.set_password("Dangjian-2026!")
    person.save()
    person.refresh_from_db()
    assert person.password.startswith(OURS)
    assert person.check_password("Dangjian-2026!") and not person.check_password("dangjian-2026!")


def test_an_old_pbkdf2_password_signs_in_and_is_stored_anew_as_argon2id(client, stored_as_installed):
    person = UserFactory(username="laoyonghu")
    old = make_password("Dangjian-2026!", hasher="pbkdf2_sha256")
    type(person).objects.filter(pk=person.pk).update(password=old)

    refused = client.post(reverse("login"), {"username": "laoyonghu", "password": "Dangjian-2025!"})
    assert refused.status_code == 200 and "_auth_user_id" not in client.session
    person.refresh_from_db()
    assert person.password == old  # a failed sign-in changes nothing

    response = client.post(reverse("login"), {"username": "laoyonghu", "password": "Dangjian-2026!"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(person.pk)
    person.refresh_from_db()
    assert person.password.startswith(OURS)
    assert person.check_password("Dangjian-2026!")
    # The session survives its own upgrade (its hash is checked on the next request).
    assert client.get(reverse("home"), follow=True).status_code == 200
    assert client.session["_auth_user_id"] == str(person.pk)
