"""How the API knows who is asking: a personal token (``Authorization: Bearer mz_…``) or
the browser's session (with its CSRF check on writes)."""

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from accounts import security

from . import services


def failures_key(request) -> str:
    return f"mingze:api-token-failures:{security.client_address(request) or '-'}"


def refuse_while_blocked(request) -> None:
    """Guessing tokens is slowed like guessing passwords: after MINGZE_API_TOKEN_FAILURES
    wrong tokens from one address, every token from it is refused until the window ends."""
    if (cache.get(failures_key(request)) or 0) >= settings.MINGZE_API_TOKEN_FAILURES:
        raise exceptions.Throttled(
            wait=settings.MINGZE_API_TOKEN_FAILURE_SECONDS,
            detail=gettext("Too many wrong tokens from this address; try again later."),
        )


def count_failure(request) -> None:
    key = failures_key(request)
    # add() starts the window; incr() keeps its expiry (the window is not stretched by guessing).
    cache.add(key, 0, timeout=settings.MINGZE_API_TOKEN_FAILURE_SECONDS)
    try:
        failures = cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.set(key, failures := 1, timeout=settings.MINGZE_API_TOKEN_FAILURE_SECONDS)
    if failures == settings.MINGZE_API_TOKEN_FAILURES:
        security.record(security.Kind.LOCKED_OUT, request=request, actor=False, detail="API token")


class TokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        refuse_while_blocked(request)
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Give the token after “Bearer”, with no spaces in it."))
        try:
            raw = header[1].decode()
        except UnicodeError:
            count_failure(request)
            raise exceptions.AuthenticationFailed(_("The token is not valid.")) from None
        found = services.user_for_token(raw)
        if found is None:
            count_failure(request)
            raise exceptions.AuthenticationFailed(_("The token is not valid, has expired or was revoked."))
        return found

    def authenticate_header(self, request):
        return f'{self.keyword} realm="api"'
