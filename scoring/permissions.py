"""Who may see scores and change the scoring rules (DESIGN.md, "Who may do what").

Scores: admins, leaders and supervisors see every unit; a secretary (a post holder) sees
the units they hold a post in, and another unit's breakdown is a 404 to them. Rules and
bonuses: admins only.
"""

from django.core.exceptions import PermissionDenied

from accounts import roles
from assessments.permissions import _held_unit_ids, sees_everything


def can_edit_rules(user) -> bool:
    return roles.is_admin(user)


def visible_unit_ids(user) -> set[int] | None:
    """None when every unit's score may be seen, else the ids of the units that may."""
    if not getattr(user, "is_authenticated", False):
        return set()
    if sees_everything(user):
        return None
    return set(_held_unit_ids(user))


def can_see_scores(user) -> bool:
    visible = visible_unit_ids(user)
    return visible is None or bool(visible)


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied
