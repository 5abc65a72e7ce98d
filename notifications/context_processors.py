from django.utils.functional import cached_property

from .services import unread_count


class Bell:
    """The header's bell. The count is read only when a page draws it, and once: pages
    without a signed-in person, and the JSON/file answers, pay no query for it."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def unread(self) -> int:
        return unread_count(self.user)


def bell(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"bell": Bell(user)}
