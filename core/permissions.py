"""Small pieces every app's permission module shares: who may do what is each app's to
say (and which units a person sees is ``responsibilities.access``'s); these only turn the
answer into the right refusal."""

from django.core.exceptions import PermissionDenied
from django.http import Http404


def require(allowed: bool) -> None:
    """403 unless ``allowed``: who may act is the permission module's to say."""
    if not allowed:
        raise PermissionDenied


def pk_or_404(pk) -> int:
    """A primary key from a URL or a form as an int; anything else is a page that does not
    exist (404), never a 500."""
    try:
        return int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
