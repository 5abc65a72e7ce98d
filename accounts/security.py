"""The security log: what is recorded, from where, and how long it is kept.

Signed in, failed, locked out and signed out come from Django's and django-axes's signals;
role changes from the user–group relation; password changes from the user's save; the
second factor, exports and file opens from the views that do them, through ``record``.
Every entry is chained into the tamper-evident trail by the audit app (audit/chain.py).
"""

from __future__ import annotations

import datetime

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_save
from django.utils import timezone

from .models import SecurityEvent

Kind = SecurityEvent.Kind
# 等保 2.0 asks for six months at least; a shorter setting is raised to this.
MINIMUM_DAYS = 180


def client_address(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def record(
    kind: str, *, username: str = "", user=None, request=None, actor=None, detail: str = "", ip_address=None
) -> SecurityEvent:
    """Add one entry; ``actor`` is whoever did it to ``user`` (an administrator), if not them.
    ``ip_address`` is for a signal that names the address without a request."""
    if user is not None:
        username = user.get_username()
    if actor is None and request is not None and getattr(request, "user", None) is not None:
        actor = request.user if request.user.is_authenticated else None
    actor_name = actor.get_username() if actor else ""
    return SecurityEvent.objects.create(
        kind=kind,
        username=username[:150],
        actor="" if actor_name == username else actor_name,
        ip_address=ip_address or client_address(request),
        detail=detail[:500],
    )


def retention_days() -> int:
    return max(MINIMUM_DAYS, int(getattr(settings, "MINGZE_SECURITY_LOG_DAYS", MINIMUM_DAYS)))


def purge(*, now: datetime.datetime | None = None) -> int:
    """Delete the entries older than the retention period, never a newer one."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=retention_days())
    deleted, _ = SecurityEvent.objects.filter(at__lt=cutoff).delete()
    return deleted


def _signed_in(sender, request, user, **kwargs):
    record(Kind.SIGN_IN, user=user, request=request, actor=user)


def _signed_out(sender, request, user, **kwargs):
    if user is not None:
        record(Kind.SIGN_OUT, user=user, request=request, actor=user)


def _failed(sender, credentials, request=None, **kwargs):
    record(Kind.SIGN_IN_FAILED, username=str(credentials.get("username", "")), request=request, actor=False)


def _locked_out(sender, request, username, ip_address, **kwargs):
    record(Kind.LOCKED_OUT, username=username or "", request=request, actor=False, ip_address=ip_address)


def _password_saved(sender, instance, created, **kwargs):
    # ``User.set_password`` leaves the new password in ``_password`` until the save is done.
    if not created and instance._password is not None:
        record(Kind.PASSWORD_CHANGED, user=instance, actor=False)


def _roles_changed(sender, instance, action, pk_set, reverse, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    from django.contrib.auth.models import Group

    User = get_user_model()
    if reverse:  # group.user_set changed
        people = list(User.objects.filter(pk__in=pk_set or ()))
        names = [instance.name]
    else:
        people = [instance]
        names = sorted(Group.objects.filter(pk__in=pk_set or ()).values_list("name", flat=True))
    sign = {"post_add": "+", "post_remove": "-", "post_clear": "-"}[action]
    for person in people:
        detail = " ".join(f"{sign}{name}" for name in names) or f"{sign}*"
        record(Kind.ROLES_CHANGED, user=person, detail=detail)


def connect() -> None:
    # ``actor=False`` above: a failed sign-in has no signed-in person to name.
    user_logged_in.connect(_signed_in, dispatch_uid="mingze-security-signed-in")
    user_logged_out.connect(_signed_out, dispatch_uid="mingze-security-signed-out")
    user_login_failed.connect(_failed, dispatch_uid="mingze-security-failed")
    user_locked_out.connect(_locked_out, dispatch_uid="mingze-security-locked-out")
    post_save.connect(_password_saved, sender=get_user_model(), dispatch_uid="mingze-security-password")
    m2m_changed.connect(_roles_changed, sender=get_user_model().groups.through, dispatch_uid="mingze-security-roles")
