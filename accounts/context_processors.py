from django.conf import settings
from django.utils.translation import gettext_lazy as _

from . import roles
from .navigation import items_for


def navigation(request):
    user = getattr(request, "user", None)
    role = roles.main_role(user) if user is not None else None
    return {
        "org_name": settings.MINGZE_ORG_NAME or _("Mingze"),
        "main_role": role,
        "role_label": roles.ROLES.get(role, ""),
        "nav_items": items_for(role, request.path) if role else [],
    }
