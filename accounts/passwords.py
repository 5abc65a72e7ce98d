"""The password policy beyond Django's validators (settings AUTH_PASSWORD_VALIDATORS):
how many kinds of character, no repeat of the last few passwords, and expiry."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher, check_password
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext


class Argon2idHasher(Argon2PasswordHasher):
    """How a password is stored: Argon2id with 19 MiB of memory, two passes, one lane —
    the first setting OWASP's Password Storage Cheat Sheet recommends, which it rates as
    strong as PBKDF2-HMAC-SHA256 at 600,000 rounds. Argon2id is memory-hard, so a guess
    costs an attacker's GPU what it costs the server, and on the server it takes some
    80 ms of one core where Django's default PBKDF2 (1,000,000 rounds) takes some 650 ms:
    in a deadline week's first hour, when a province's secretaries all sign in, hashing
    is what the web processes spend their time on (issue 15; `python -m bench --only
    sign_in`). Online guessing is held back by the lock-out (django-axes) anyway. A
    password stored the old way is hashed anew this way at its owner's next sign-in
    (settings PASSWORD_HASHERS keeps the old hashers to check it)."""

    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1


CLASSES = (str.islower, str.isupper, str.isdigit, lambda c: not c.isalnum())


class CharacterClassValidator:
    """At least ``classes`` of: lower-case letters, capitals, digits, other characters."""

    def __init__(self, classes: int = 3):
        self.classes = max(1, min(4, classes))

    def validate(self, password, user=None):
        found = sum(any(test(c) for c in password) for test in CLASSES)
        if found < self.classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self):
        return ngettext(
            "Your password must mix at least %(n)d kind of character: lower-case letters, capitals, digits, others.",
            "Your password must mix at least %(n)d kinds of character: lower-case letters, capitals, digits, others.",
            self.classes,
        ) % {"n": self.classes}


class HistoryValidator:
    """Not one of the person's last ``keep`` passwords (nor the current one)."""

    def __init__(self, keep: int = 5):
        self.keep = max(0, keep)

    def validate(self, password, user=None):
        if user is None or user.pk is None or not self.keep:
            return
        from django.contrib.auth import get_user_model

        from .models import PasswordHistory

        current = get_user_model().objects.filter(pk=user.pk).values_list("password", flat=True).first()
        former = list(PasswordHistory.objects.filter(user=user).values_list("encoded", flat=True)[: self.keep])
        if any(encoded and check_password(password, encoded) for encoded in [current, *former]):
            raise ValidationError(self.get_help_text(), code="password_reused")

    def password_changed(self, password, user=None):
        if user is None or user.pk is None or not self.keep:
            return
        from .models import PasswordHistory

        PasswordHistory.objects.create(user=user, encoded=user.password)
        stale = PasswordHistory.objects.filter(user=user).values_list("pk", flat=True)[self.keep :]
        PasswordHistory.objects.filter(pk__in=list(stale)).delete()

    def get_help_text(self):
        return ngettext(
            "Your password cannot be your last password.",
            "Your password cannot be one of your last %(n)d passwords.",
            self.keep,
        ) % {"n": self.keep}


def expired(user) -> bool:
    days = getattr(settings, "MINGZE_PASSWORD_MAX_AGE_DAYS", 0)
    if not days or not user.has_usable_password() or user.password_changed_at is None:
        return False
    return user.password_changed_at < timezone.now() - datetime.timedelta(days=days)


class PasswordExpiryMiddleware:
    """A person whose password is older than ``MINGZE_PASSWORD_MAX_AGE_DAYS`` changes it first."""

    OPEN = ("/static/", "/healthz/", "/i18n/", "/logout/", "/password/", "/two-factor/", "/login/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not request.path.startswith(self.OPEN) and expired(user):
            return redirect(f"{reverse('password_change')}?expired=1")
        return self.get_response(request)
