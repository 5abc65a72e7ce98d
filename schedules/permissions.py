"""Who may manage periods and run the jobs by hand: admins (DESIGN.md, "Who may do what")."""

from accounts import roles
from core.permissions import require as require


def can_manage_periods(user) -> bool:
    return roles.is_admin(user)
