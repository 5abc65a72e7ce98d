"""Signing in and reading the signed-in person on each request.

``RolesBackend`` is Django's ``ModelBackend`` whose ``get_user`` — run on every request
that reads ``request.user`` — reads the person's roles in the same query (one ``EXISTS``
per role), so ``roles.roles_of`` asks nothing more: one query fewer on every page.

Where pages are cached (Redis; core/pagecache.py ``in_use``), the person so read is kept in
the cache too, with the **people stamp** of the moment it was read: every write to the user
or group tables — a role given or taken away, an account deactivated, a password changed
(which signs the person's other sessions out), a sign-in — replaces that stamp, at once and
again when its transaction commits, so the next request of everyone reads their row again.
The stamp and the person come back in one round trip to the cache and no query is made: a
cached page then costs no query at all. A person is kept at most ``PERSON_SECONDS``, a bound
for writes made outside Django (``psql``). Nothing else is kept: posts, units and what a
person may see are read by each page (core/access.py), and a page cached under the data
stamp dies with any change to them. The person kept carries the password's hash, which
Django checks each session against on every request (a password changed elsewhere signs
the session out): Redis already holds the sessions themselves and every cached page, and
must be kept as closed as the database (docs/security.md).
"""

import functools
import hashlib

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import DEFAULT_DB_ALIAS, connections

from core import pagecache

from . import roles

PERSON_SECONDS = 60


@functools.cache
def _database_tag(host: str, port: str, name: str) -> str:
    return hashlib.sha256(f"{host}:{port}/{name}".encode()).hexdigest()[:16]


def _person_key(user_id) -> str:
    """The person's place in the cache, naming their database: two installations (or the
    tests' databases) sharing one Redis never take each other's person number 5. The tag is
    worked out once per database, not on every request."""
    db = connections[DEFAULT_DB_ALIAS].settings_dict
    return f"person:{_database_tag(str(db.get('HOST') or ''), str(db.get('PORT') or ''), db['NAME'])}:{user_id}"


class RolesBackend(ModelBackend):
    def _read(self, user_id):
        User = get_user_model()
        try:
            user = roles.with_roles(User._default_manager.all()).get(pk=user_id)
        except User.DoesNotExist:
            return None
        roles.remember_roles(user)
        return user

    def _kept_or_read(self, user_id):
        """The person from the cache while the people stamp they were read under holds,
        else from the database (and kept). Each call gives a fresh instance."""
        key = _person_key(user_id)
        found = cache.get_many([pagecache.PEOPLE_STAMP_KEY, key])
        stamp, kept = found.get(pagecache.PEOPLE_STAMP_KEY), found.get(key)
        if stamp is not None and kept is not None and kept[0] == stamp:
            return kept[1]
        if stamp is None:
            stamp = pagecache.people_stamp()
        # The stamp is read before the row: a write after it replaces the stamp, so a row
        # read before that write is kept under a stamp that is already dead.
        user = self._read(user_id)
        if user is not None:
            cache.set(key, (stamp, user), timeout=PERSON_SECONDS)
        return user

    def get_user(self, user_id):
        user = self._kept_or_read(user_id) if pagecache.in_use() else self._read(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None

    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None and password is not None:
            # Refused here is refused: Django's ModelBackend, listed after this one only so
            # that sessions signed in before keep working, would hash the password again.
            # (Django still sends user_login_failed, which axes counts.)
            raise PermissionDenied
        return user
