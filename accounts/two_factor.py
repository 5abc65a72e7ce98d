"""Two-factor sign-in (TOTP, django-otp; 等保 2.0 身份鉴别, docs/security.md).

Required for the three administrators (``MINGZE_TWO_FACTOR_FOR_ADMINS``, on by default),
optional for everyone else: whoever has set up an authenticator is asked for a code at
every sign-in. Recovery codes (django-otp's static tokens, each good once) stand in for a
lost phone.

What a session still needs is decided once at sign-in and kept in the session, so the
pages pay no query for it: ``verify`` (a code, the person has an authenticator), ``set_up``
(an administrator without one) or nothing.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.shortcuts import redirect
from django.urls import reverse
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import roles

NEEDS = "mingze_second_factor"
RECOVERY_CODES = 10
# Pages a signed-in person who still owes the second factor may open.
OPEN_PATHS = ("/static/", "/healthz/", "/i18n/", "/logout/", "/two-factor/", "/login/")


def required_for(user) -> bool:
    return getattr(settings, "MINGZE_TWO_FACTOR_FOR_ADMINS", True) and roles.is_administrator(user)


def needs_for(user) -> str:
    if user_has_device(user, confirmed=True):
        return "verify"
    return "set_up" if required_for(user) else ""


def _on_sign_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[NEEDS] = needs_for(user)


user_logged_in.connect(_on_sign_in, dispatch_uid="mingze-second-factor")


class TwoFactorMiddleware:
    """After django-otp's OTPMiddleware: a session that owes a code sees only the
    two-factor pages until it gives one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not request.path.startswith(OPEN_PATHS):
            needs = request.session.get(NEEDS)
            if needs is None:  # a session from before two-factor sign-in existed
                needs = request.session[NEEDS] = needs_for(user)
            if needs and not user.is_verified():
                name = "two_factor_verify" if needs == "verify" else "two_factor"
                return redirect(f"{reverse(name)}?next={request.get_full_path()}")
        return self.get_response(request)


def pending_device(user) -> TOTPDevice:
    """The authenticator being set up (not yet confirmed), made on first ask."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def confirm(user, device: TOTPDevice) -> list[str]:
    """Make ``device`` the person's one authenticator and issue fresh recovery codes."""
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return new_recovery_codes(user)


def new_recovery_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name="recovery codes", confirmed=True)
    codes = [f"{secrets.randbelow(10**8):08d}" for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=static, token=code) for code in codes)
    return codes


def remaining_recovery_codes(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()
