"""The roles of Mingze, kept as Django groups (see DESIGN.md, "Who may do what").

三员分立 (等保 2.0 level 3, docs/security.md): administration is split in three, and none
does another's work — the 系统管理员 (``admin``: organization, people, posts, checklist,
schedules), the 安全管理员 (``security_admin``: accounts, roles, passwords, lock-outs) and
the 审计管理员 (``audit_admin``: reads the security log and the audit trail, changes nothing).

Role checks on a user are decided here; object access (which unit's report) is decided
in each app's ``permissions`` module on top of these.
"""

from django.utils.translation import gettext_lazy as _

ADMIN = "admin"
LEADER = "leader"
SECRETARY = "secretary"
SUPERVISOR = "supervisor"
SECURITY_ADMIN = "security_admin"
AUDIT_ADMIN = "audit_admin"

ROLES = {
    ADMIN: _("System administrator"),
    LEADER: _("Leader"),
    SECRETARY: _("Secretary"),
    SUPERVISOR: _("Supervisor"),
    SECURITY_ADMIN: _("Security administrator"),
    AUDIT_ADMIN: _("Audit administrator"),
}
# The three administrators: each must sign in with a second factor (accounts/two_factor.py).
ADMINISTRATORS = (ADMIN, SECURITY_ADMIN, AUDIT_ADMIN)
# When a person has several roles, the home page and navigation follow the first here.
PRECEDENCE = (ADMIN, SECURITY_ADMIN, AUDIT_ADMIN, LEADER, SUPERVISOR, SECRETARY)


def with_roles(users):
    """``users`` (a queryset of people) with their roles read in the same query; pass each
    to ``remember_roles``."""
    from django.contrib.auth.models import Group
    from django.db.models import Exists, OuterRef

    return users.annotate(
        **{f"_mingze_role_{role}": Exists(Group.objects.filter(user=OuterRef("pk"), name=role)) for role in ROLES}
    )


def remember_roles(user) -> None:
    """Keep the roles ``with_roles`` read on ``user``, as ``roles_of`` would have."""
    held = frozenset(role for role in ROLES if getattr(user, f"_mingze_role_{role}", False))
    user._mingze_roles = held | {ADMIN} if user.is_superuser else held


def roles_of(user) -> frozenset[str]:
    """The role names of ``user``, cached on the instance for the request."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_mingze_roles", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        if user.is_superuser:
            cached |= {ADMIN}
        user._mingze_roles = cached
    return cached


def has_role(user, *roles: str) -> bool:
    return bool(roles_of(user) & set(roles))


def is_admin(user) -> bool:
    return has_role(user, ADMIN)


def main_role(user) -> str | None:
    mine = roles_of(user)
    return next((role for role in PRECEDENCE if role in mine), None)


def is_security_admin(user) -> bool:
    return has_role(user, SECURITY_ADMIN)


def is_audit_admin(user) -> bool:
    return has_role(user, AUDIT_ADMIN)


def is_administrator(user) -> bool:
    """Any of the three administrators (who must use a second factor)."""
    return has_role(user, *ADMINISTRATORS)
