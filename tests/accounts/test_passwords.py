"""The password policy: length, kinds of character, history and expiry, each configurable."""

import datetime

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from accounts.passwords import CharacterClassValidator, HistoryValidator
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def refused(password, user=None) -> list[str]:
    try:
        validate_password(password, user)
    except ValidationError as error:
        return [e.code for e in error.error_list]
    return []


def test_length_and_kinds_of_character():
    assert "password_too_short" in refused("Ab1-xyz")
    assert "password_too_simple" in refused("onlylowercaseletters")
    assert refused("Mixed-Case-2026") == []


def test_the_policy_comes_from_settings(settings):
    settings.AUTH_PASSWORD_VALIDATORS = [
        {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 16}},
        {"NAME": "accounts.passwords.CharacterClassValidator", "OPTIONS": {"classes": 4}},
    ]
    assert "password_too_short" in refused("Mixed-Case-2026")
    assert "password_too_simple" in refused("MixedCaseLetters2026abc")
    assert CharacterClassValidator(classes=2).get_help_text() != CharacterClassValidator(classes=4).get_help_text()


def test_the_last_passwords_cannot_be_used_again():
    user = UserFactory(username="someone")
    for password in ("First-pass-2026", "Second-pass-2026"):
        user.set_password(password)
        user.save()
    assert "password_reused" in refused("First-pass-2026", user)
    assert "password_reused" in refused("Second-pass-2026", user)  # the current one
    assert refused("Third-pass-2026", user) == []
    keeper = HistoryValidator(keep=1)
    assert keeper.keep == 1


def test_an_expired_password_must_be_changed_first(client, settings):
    settings.MINGZE_PASSWORD_MAX_AGE_DAYS = 90
    user = UserFactory(username="someone", roles=[roles.SECRETARY])
    type(user).objects.filter(pk=user.pk).update(password_changed_at=timezone.now() - datetime.timedelta(days=91))
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("password_change"))
    client.post(
        reverse("password_change"),
        {"old_password": "pw-for-tests", "new_password1": "Fresh-pass-2026", "new_password2": "Fresh-pass-2026"},
    )
    assert not client.get(reverse("home")).get("Location", "").startswith(reverse("password_change"))


def test_directory_accounts_have_no_local_password_to_expire(client, settings):
    settings.MINGZE_PASSWORD_MAX_AGE_DAYS = 1
    user = UserFactory(username="dir", roles=[roles.SECRETARY])
    user.set_unusable_password()
    user.save()
    type(user).objects.filter(pk=user.pk).update(password_changed_at=timezone.now() - datetime.timedelta(days=9))
    client.force_login(user)
    assert not client.get(reverse("home")).get("Location", "").startswith(reverse("password_change"))
