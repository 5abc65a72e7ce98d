"""How the API knows who is asking: a personal token (``Authorization: Bearer mz_…``) or
the browser's session (with its CSRF check on writes)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from . import services


class TokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Give the token after “Bearer”, with no spaces in it."))
        try:
            raw = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("The token is not valid.")) from None
        found = services.user_for_token(raw)
        if found is None:
            raise exceptions.AuthenticationFailed(_("The token is not valid, has expired or was revoked."))
        return found

    def authenticate_header(self, request):
        return f'{self.keyword} realm="api"'
