"""Browser journeys: Playwright driving Debian's Chromium against Django's live server."""

import os

import pytest
from django.contrib.auth.signals import user_logged_in

from accounts.models import SecurityEvent
from tests.directory.conftest import directory, enable  # noqa: F401 — the OpenLDAP journeys
from tests.services import CHROMIUM, need_chromium

# live_server runs in a thread while sync Playwright drives the page from this one.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    need_chromium()
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}


@pytest.fixture
def signed_in(context, live_server, client):
    """Put a force_login session into the browser (django-axes wants no password replay)."""

    def sign_in(user, page=None):
        client.force_login(user)
        context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
        return page

    return sign_in


@pytest.fixture(autouse=True)
def every_sign_in_is_in_the_security_log():
    """等保 2.0 asks for a security log of every sign-in (issue 17): each sign-in of the
    journeys — by the form, the directory, the second factor or a forced session — is found
    in it at the moment it happens (the log's own receiver runs first)."""
    missing = []

    def check(sender, request, user, **kwargs):
        if not SecurityEvent.objects.filter(username=user.get_username(), kind=SecurityEvent.Kind.SIGN_IN).exists():
            missing.append(user.get_username())

    user_logged_in.connect(check, dispatch_uid="journeys-sign-ins", weak=False)
    yield
    user_logged_in.disconnect(dispatch_uid="journeys-sign-ins")
    assert missing == [], f"sign-ins missing from the security log: {missing}"


@pytest.fixture(scope="module", autouse=True)
def _roles_survive_the_flush(django_db_blocker):
    """A journey runs with transaction=True, so the database is flushed after it — the role
    groups that accounts/migrations/0002_roles made included. pytest groups the [chromium]
    tests together, so other tests may run after them: put the groups back. Module scope,
    so that this runs after the last journey's flush, not before it."""
    yield
    from django.contrib.auth.models import Group

    from accounts.roles import ROLES

    with django_db_blocker.unblock():
        for name in ROLES:
            Group.objects.get_or_create(name=name)
