"""Who may manage periods and run the jobs by hand: admins (DESIGN.md, "Who may do what")."""

from django.core.exceptions import PermissionDenied

from accounts import roles


def can_manage_periods(user) -> bool:
    return roles.is_admin(user)


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied
