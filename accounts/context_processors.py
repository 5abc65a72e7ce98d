from django.conf import settings
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from . import roles
from .navigation import items_for


def _waiting_for_review(user) -> int:
    from assessments.models import Report
    from assessments.permissions import reviewable_by

    return reviewable_by(user).filter(state=Report.State.SUBMITTED).count()


def navigation(request):
    user = getattr(request, "user", None)
    role = roles.main_role(user) if user is not None else None
    items = items_for(role, request.path) if role else []
    if role == roles.LEADER:
        # 待审核 (n) in a leader's navigation (UX.md); counted only when a page draws it.
        for item in items:
            if item["name"] == "assessments:review_queue":
                item["badge"] = SimpleLazyObject(lambda: _waiting_for_review(user))
    return {
        "org_name": settings.MINGZE_ORG_NAME or _("Mingze"),
        "main_role": role,
        "role_label": roles.ROLES.get(role, ""),
        "nav_items": items,
    }
