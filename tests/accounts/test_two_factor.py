"""Two-factor sign-in (TOTP with django-otp): required for the three administrators,
optional for everyone else, with recovery codes that work once each."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import roles, two_factor
from accounts.models import SecurityEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def code(device: TOTPDevice, drift: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=drift):06d}"


@pytest.fixture
def required(settings):
    settings.MINGZE_TWO_FACTOR_FOR_ADMINS = True


def later(time_machine, seconds=5):
    """django-otp makes a device wait after a wrong code (1 s, then 2, 4…): let it pass."""
    time_machine.move_to(timezone.now() + datetime.timedelta(seconds=seconds), tick=True)


def sign_in(client, username):
    return client.post(reverse("login"), {"username": username, "password": "pw-for-tests"})


@pytest.mark.parametrize("role", roles.ADMINISTRATORS)
def test_an_administrator_must_set_up_the_second_factor_first(client, required, role, time_machine):
    UserFactory(username="adm", roles=[role])
    sign_in(client, "adm")
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("two_factor"))
    page = client.get(reverse("two_factor"))
    assert page.status_code == 200 and "otpauth://totp/" in page.content.decode()
    device = TOTPDevice.objects.get(user__username="adm", confirmed=False)
    wrong = client.post(reverse("two_factor"), {"token": "000000" if code(device) != "000000" else "111111"})
    assert wrong.status_code == 400
    later(time_machine)
    device.refresh_from_db()
    done = client.post(reverse("two_factor"), {"token": code(device)})
    assert done.status_code == 200
    codes = done.context["codes"]
    assert len(codes) == two_factor.RECOVERY_CODES
    assert client.get(reverse("home")).status_code in (200, 302)
    assert not client.get(reverse("home")).get("Location", "").startswith("/two-factor/")


def test_an_administrator_with_an_authenticator_gives_a_code_at_each_sign_in(client, required, time_machine):
    admin = UserFactory(username="adm", roles=[roles.ADMIN])
    device = TOTPDevice.objects.create(user=admin, name="phone", confirmed=True)
    sign_in(client, "adm")
    assert client.get(reverse("home"))["Location"].startswith(reverse("two_factor_verify"))
    refused = client.post(reverse("two_factor_verify"), {"token": "12345"})
    assert refused.status_code == 400
    assert client.get(reverse("responsibilities:checklist")).status_code == 302  # still fenced
    later(time_machine)
    response = client.post(reverse("two_factor_verify"), {"token": code(device), "next": "/periods/"})
    assert response.status_code == 302 and response["Location"] == "/periods/"
    assert client.get(reverse("schedules:periods")).status_code == 200
    kinds = list(SecurityEvent.objects.filter(username="adm").values_list("kind", flat=True))
    assert {"sign_in", "second_factor", "second_factor_failed"} <= set(kinds)


def test_a_recovery_code_signs_in_once(client, required):
    admin = UserFactory(username="adm", roles=[roles.SECURITY_ADMIN])
    TOTPDevice.objects.create(user=admin, name="phone", confirmed=True)
    recovery = two_factor.new_recovery_codes(admin)
    sign_in(client, "adm")
    assert client.post(reverse("two_factor_verify"), {"token": recovery[0]}).status_code == 302
    client.logout()
    sign_in(client, "adm")
    assert client.post(reverse("two_factor_verify"), {"token": recovery[0]}).status_code == 400
    assert two_factor.remaining_recovery_codes(admin) == two_factor.RECOVERY_CODES - 1


def test_others_are_not_asked_unless_they_set_it_up(client, required):
    secretary = UserFactory(username="shuji", roles=[roles.SECRETARY])
    sign_in(client, "shuji")
    assert not client.get(reverse("home")).get("Location", "").startswith("/two-factor/")
    client.logout()
    device = TOTPDevice.objects.create(user=secretary, name="phone", confirmed=True)
    sign_in(client, "shuji")
    assert client.get(reverse("home"))["Location"].startswith(reverse("two_factor_verify"))
    assert client.post(reverse("two_factor_verify"), {"token": code(device)}).status_code == 302


def test_the_pages_are_in_english_too(client, required):
    UserFactory(username="adm", roles=[roles.ADMIN])
    sign_in(client, "adm")
    client.cookies["django_language"] = "en"
    page = client.get(reverse("two_factor"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Two-factor sign-in" in page
    client.cookies["django_language"] = "zh-hans"
    page = client.get(reverse("two_factor"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "双因素" in page


def test_pages_pin_their_queries(client, required, django_assert_max_num_queries):
    admin = UserFactory(username="adm", roles=[roles.ADMIN])
    device = TOTPDevice.objects.create(user=admin, name="phone", confirmed=True)
    sign_in(client, "adm")
    with django_assert_max_num_queries(8):
        assert client.get(reverse("two_factor_verify")).status_code == 200
    client.post(reverse("two_factor_verify"), {"token": code(device)})
    with django_assert_max_num_queries(12):
        assert client.get(reverse("two_factor")).status_code == 200
