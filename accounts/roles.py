"""The four roles of Mingze, kept as Django groups (see DESIGN.md, "Who may do what").

Role checks on a user are decided here; object access (which unit's report) is decided
in each app's ``permissions`` module on top of these.
"""

from django.utils.translation import gettext_lazy as _

ADMIN = "admin"
LEADER = "leader"
SECRETARY = "secretary"
SUPERVISOR = "supervisor"

ROLES = {
    ADMIN: _("Administrator"),
    LEADER: _("Leader"),
    SECRETARY: _("Secretary"),
    SUPERVISOR: _("Supervisor"),
}
# When a person has several roles, the home page and navigation follow the first here.
PRECEDENCE = (ADMIN, LEADER, SUPERVISOR, SECRETARY)


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
