"""Who may see scores and change the scoring rules (DESIGN.md, "Who may do what").

Scores follow the one scope module (``responsibilities.access``): admins, leaders and
supervisors see every unit; a post holder the units in which they hold a post and every
unit under them, and another unit's breakdown is a 404 to them. Rules and bonuses:
admins only.
"""

from django.db.models import QuerySet

from accounts import roles
from core.permissions import require as require
from responsibilities import access


def can_edit_rules(user) -> bool:
    return roles.is_admin(user)


def can_see_scores(user) -> bool:
    return access.may_see_anything(user)


def scores_visible_to(user, qs: QuerySet) -> QuerySet:
    """Unit scores (or anything with a ``unit``) limited to what ``user`` may see."""
    return access.visible(user, qs)


def can_see_score(user, score) -> bool:
    return access.may_see_unit(user, score.unit)
