"""Issuing, revoking and checking personal API tokens."""

from __future__ import annotations

import datetime
import hashlib
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.security import Kind, record
from core.errors import TransitionError

from .models import ApiToken

# "mz_" marks a Mingze token wherever it turns up (a log, a leaked file), so it can be
# recognized and revoked; the part after it is 32 random bytes.
TOKEN_PREFIX = "mz_"
SHOWN_CHARS = 8
MAX_DAYS = 366


def digest_of(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@dataclass
class Issued:
    token: ApiToken
    raw: str  # shown once to the administrator, never stored


@transaction.atomic
def issue_token(*, user, name: str, days: int, actor) -> Issued:
    """A new token for ``user``, valid for ``days`` days (1 to MAX_DAYS)."""
    if not 1 <= int(days) <= MAX_DAYS:
        raise TransitionError(_("A token is valid for 1 to %(days)s days.") % {"days": MAX_DAYS})
    if not user.is_active:
        raise TransitionError(_("This account is disabled; it cannot be given a token."))
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name.strip(),
        prefix=raw[: len(TOKEN_PREFIX) + SHOWN_CHARS],
        digest=digest_of(raw),
        created_by=actor,
        expires_at=timezone.now() + datetime.timedelta(days=int(days)),
    )
    # A token is a credential: its issue and revocation belong in the security log.
    record(Kind.ACCOUNT_CHANGED, user=user, actor=actor, detail=f"API token issued: {token.prefix}… {token.name}")
    return Issued(token=token, raw=raw)


@transaction.atomic
def revoke_token(*, token_id: int, actor) -> ApiToken:
    """Revoke a token at once; revoking twice changes nothing."""
    token = ApiToken.objects.select_for_update().get(pk=token_id)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.revoked_by = actor
        token.save(update_fields=["revoked_at", "revoked_by"])
        record(
            Kind.ACCOUNT_CHANGED,
            user=token.user,
            actor=actor,
            detail=f"API token revoked: {token.prefix}… {token.name}",
        )
    return token


# How often the "last used" time is written: not on every request.
TOUCH_EVERY = datetime.timedelta(minutes=5)


def user_for_token(raw: str):
    """(user, token) for a live token whose owner is active; None otherwise."""
    if not raw or not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    token = ApiToken.objects.select_related("user").filter(digest=digest_of(raw)).first()
    now = timezone.now()
    if token is None or not token.is_live(now) or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user, token
