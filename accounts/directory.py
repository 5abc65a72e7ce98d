"""Sign-in with the organization's directory (LDAP or Active Directory behind a 统一身份认证
portal), through django-auth-ldap. Used only when ``LDAP_SERVER_URI`` is set (see
config/settings/base.py and README, "Directory sign-in"); local accounts keep working
beside it — the administrator's, and everyone's while the directory cannot be reached.

On each directory sign-in the account is created or updated from the entry's attributes
(``AUTH_LDAP_USER_ATTR_MAP``: name, e-mail, department) and its roles are set from the
groups it is a member of (``MINGZE_LDAP_ROLE_GROUPS``: role → group DN). A disabled entry
(matched by ``MINGZE_LDAP_DISABLED_FILTER``) is not found by the user search, so it cannot
sign in (its account's password is unusable, so the local backend refuses it too); the
directory sync (``sync_directory``) flags it as gone.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import Group
from django.utils.translation import gettext as _
from django_auth_ldap.backend import LDAPBackend, ldap_error

from . import roles

logger = logging.getLogger(__name__)

# Set on the request when the directory could not be reached during a sign-in, so the
# form can say so instead of "wrong password".
DIRECTORY_DOWN = "_mingze_directory_down"


def role_groups() -> dict[str, str]:
    """role name → group DN, from settings; unknown role names are ignored."""
    mapping = getattr(settings, "MINGZE_LDAP_ROLE_GROUPS", {}) or {}
    return {role: dn for role, dn in mapping.items() if role in roles.ROLES}


class DirectoryBackend(LDAPBackend):
    """django-auth-ldap's backend, with Mingze's roles taken from directory groups."""

    def authenticate_ldap_user(self, ldap_user, password):
        user = super().authenticate_ldap_user(ldap_user, password)
        if user is None:
            return None
        mapping = role_groups()
        if mapping:
            member_of = {dn.lower() for dn in ldap_user.group_dns}
            wanted = {role for role, dn in mapping.items() if dn.lower() in member_of}
            groups = {group.name: group for group in Group.objects.filter(name__in=mapping)}
            for role in mapping:
                group = groups.get(role) or Group.objects.get_or_create(name=role)[0]
                if role in wanted:
                    user.groups.add(group)
                else:
                    user.groups.remove(group)
            user.__dict__.pop("_mingze_roles", None)
        changed = []
        if user.directory_dn != ldap_user.dn:
            user.directory_dn = ldap_user.dn
            changed.append("directory_dn")
        if user.left_directory_at is not None:
            user.left_directory_at = None
            changed.append("left_directory_at")
        if changed:
            user.save(update_fields=changed)
        return user

    def get_user(self, user_id):
        # Sessions are kept by the model backend's rules: an inactive account is signed out.
        user = super().get_user(user_id)
        return user if user is not None and user.is_active else None


def _note_directory_down(sender, context, user, request=None, exception=None, **kwargs):
    import ldap

    if isinstance(exception, ldap.SERVER_DOWN | ldap.TIMEOUT | ldap.CONNECT_ERROR) and request is not None:
        setattr(request, DIRECTORY_DOWN, True)
    logger.warning("directory error during %s for %s: %r", context, user, exception)


ldap_error.connect(_note_directory_down, dispatch_uid="mingze-directory-down")


def directory_enabled() -> bool:
    return bool(getattr(settings, "AUTH_LDAP_SERVER_URI", ""))


# ---- reading the whole directory (for responsibilities' sync_directory) -----------------


class DirectoryUnavailable(RuntimeError):
    """The directory is not configured or cannot be reached; the message says which."""


@dataclass(frozen=True)
class Entry:
    """One person's entry, with the attributes the account and the post mapping read."""

    dn: str
    username: str
    full_name: str
    email: str
    department: str
    attributes: dict[str, str]
    disabled: bool


def _first(attrs: dict, name: str) -> str:
    values = attrs.get(name) or attrs.get(name.lower()) or []
    return values[0].decode("utf-8") if values else ""


def read_entries() -> list[Entry]:
    """Every person under the user search's base (``LDAP_SYNC_FILTER``), disabled ones
    marked; raises DirectoryUnavailable when the directory is not set up or is down."""
    if not directory_enabled():
        raise DirectoryUnavailable(_("The directory is not configured (LDAP_SERVER_URI)."))
    import ldap

    search = settings.AUTH_LDAP_USER_SEARCH
    people = getattr(settings, "MINGZE_LDAP_SYNC_FILTER", "(objectClass=inetOrgPerson)")
    disabled_filter = getattr(settings, "MINGZE_LDAP_DISABLED_FILTER", "(employeeType=disabled)")
    username_attr = getattr(settings, "MINGZE_LDAP_USERNAME_ATTR", "uid")
    attr_map = settings.AUTH_LDAP_USER_ATTR_MAP
    try:
        connection = ldap.initialize(settings.AUTH_LDAP_SERVER_URI)
        for option, value in getattr(settings, "AUTH_LDAP_CONNECTION_OPTIONS", {}).items():
            connection.set_option(option, value)
        if getattr(settings, "AUTH_LDAP_START_TLS", False):
            connection.start_tls_s()
        connection.simple_bind_s(settings.AUTH_LDAP_BIND_DN, settings.AUTH_LDAP_BIND_PASSWORD)
        found = connection.search_s(search.base_dn, search.scope, people)
        disabled = {
            dn.lower()
            for dn, _attrs in connection.search_s(
                search.base_dn, search.scope, f"(&{people}{disabled_filter})", ["1.1"]
            )
            if dn
        }
        connection.unbind_s()
    except ldap.LDAPError as exc:
        raise DirectoryUnavailable(_("The directory cannot be reached: %(error)s") % {"error": exc}) from exc
    entries = []
    for dn, attrs in found:
        if not dn or not _first(attrs, username_attr):
            continue
        entries.append(
            Entry(
                dn=dn,
                username=_first(attrs, username_attr),
                full_name=_first(attrs, attr_map.get("full_name", "cn")),
                email=_first(attrs, attr_map.get("email", "mail")),
                department=_first(attrs, attr_map.get("department", "ou")),
                attributes={key.lower(): _first(attrs, key) for key in attrs},
                disabled=dn.lower() in disabled,
            )
        )
    return entries
