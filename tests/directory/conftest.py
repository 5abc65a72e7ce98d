"""A real OpenLDAP directory (tests/directory/slapd.py) and Mingze configured to sign in
with it, as LDAP_SERVER_URI and its companions would configure it."""

import contextlib

import pytest

from tests.directory.slapd import GROUPS, PEOPLE, start_directory


@pytest.fixture(scope="session")
def directory(tmp_path_factory):
    server = start_directory(tmp_path_factory.mktemp("slapd"))
    yield server
    server.stop()


def directory_settings(settings, uri: str) -> None:
    import ldap
    from django_auth_ldap.config import GroupOfNamesType, LDAPSearch

    settings.AUTH_LDAP_SERVER_URI = uri
    settings.AUTH_LDAP_BIND_DN = ""
    settings.AUTH_LDAP_BIND_PASSWORD = ""
    settings.MINGZE_LDAP_DISABLED_FILTER = "(employeeType=disabled)"
    settings.AUTH_LDAP_USER_SEARCH = LDAPSearch(
        PEOPLE, ldap.SCOPE_SUBTREE, "(&(uid=%(user)s)(!(employeeType=disabled)))"
    )
    settings.AUTH_LDAP_USER_ATTR_MAP = {"full_name": "cn", "email": "mail", "department": "ou"}
    settings.AUTH_LDAP_GROUP_SEARCH = LDAPSearch(GROUPS, ldap.SCOPE_SUBTREE, "(objectClass=groupOfNames)")
    settings.AUTH_LDAP_GROUP_TYPE = GroupOfNamesType()
    settings.AUTH_LDAP_ALWAYS_UPDATE_USER = True
    settings.AUTH_LDAP_CONNECTION_OPTIONS = {ldap.OPT_NETWORK_TIMEOUT: 2.0, ldap.OPT_TIMEOUT: 2.0}
    settings.MINGZE_LDAP_ROLE_GROUPS = {
        "secretary": f"cn=mingze-secretaries,{GROUPS}",
        "leader": f"cn=mingze-leaders,{GROUPS}",
        "admin": f"cn=mingze-admins,{GROUPS}",
    }
    settings.AUTHENTICATION_BACKENDS = [
        "axes.backends.AxesStandaloneBackend",
        "accounts.directory.DirectoryBackend",
        "django.contrib.auth.backends.ModelBackend",
    ]


@pytest.fixture
def with_directory(settings, directory):
    directory_settings(settings, directory.uri)
    return directory


@pytest.fixture
def enable(directory):
    """Put a person's entry back as it was after a test disabled or moved it."""
    touched = []

    def note(uid):
        touched.append(uid)
        return f"uid={uid},{PEOPLE}"

    yield note
    for uid in touched:
        with contextlib.suppress(Exception):  # the attribute was not there
            directory.modify(f"uid={uid},{PEOPLE}", employeeType=None)
