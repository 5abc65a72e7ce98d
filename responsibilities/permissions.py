"""Who may see and change the responsibility model (DESIGN.md, "Who may do what")."""

from accounts import roles
from core.permissions import require as require


def can_manage(user) -> bool:
    """Edit units, posts, people, the checklist and assignments: admins only."""
    return roles.is_admin(user)


def can_view_organization(user) -> bool:
    """See the whole checklist, matrix and unit tree: admins, leaders and supervisors."""
    return roles.has_role(user, roles.ADMIN, roles.LEADER, roles.SUPERVISOR)
