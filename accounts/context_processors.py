from django.conf import settings
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from . import roles
from .navigation import BADGES, items_for


def navigation(request):
    user = getattr(request, "user", None)
    role = roles.main_role(user) if user is not None else None
    items = items_for(role, request.path, user) if role else []
    # Counts beside entries (a leader's 待审核 (n), UX.md); counted only when a page draws them.
    for item in items:
        count = BADGES.get(item["name"])
        if count is not None:
            item["badge"] = SimpleLazyObject(lambda count=count: count(user))
    return {
        "org_name": settings.MINGZE_ORG_NAME or _("Mingze"),
        "main_role": role,
        "role_label": roles.ROLES.get(role, ""),
        "nav_items": items,
    }
