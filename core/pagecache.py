"""Hot pages served from the cache while nothing they show has changed (issue 15).

The pages people open most — 我的责任, the report page, the review queue, the unit page,
the dashboard, the notifications — are rendered once and then served from the cache
(Redis in CI and production; not with the database cache of `make run`, see
:func:`in_use`) while nothing they could show has changed. No stale number may reach
anyone, so a page is served only while everything it depends on is as it was made:

- **the data stamp**: a token in the cache that every write to the database replaces. A
  wrapper on every database connection (:func:`watch_writes`, installed by ``core.apps``)
  sees each ``INSERT``, ``UPDATE`` and ``DELETE`` however it was made — ``save()``,
  ``QuerySet.update``, ``bulk_create``, SQL by hand, a Celery task, a management command —
  and replaces the token at once and again when the transaction commits (a page read
  between the two is stored under a token that is already dead). Writes that no page
  shows are left out: sessions, failed sign-ins, the time of a sign-in. The page is kept
  with the token it was made under and served only while that token is the current one
  (both come back in one round trip to the cache);
- in the page's key, **the person and their session**: the user, the session key and a
  digest of what the session holds (a two-factor check passed, a language chosen), so
  nobody is ever served another person's page, and a new sign-in starts afresh;
- **the language** (a zh page never reaches an en reader, nor the other way round), the full
  URL with its filters, whether htmx asked, and **today's date** (warnings and "days left"
  change at midnight).

A page is neither served from nor stored in the cache when it has messages to show, while
its connection is inside a transaction that may have written (the data it would read is
not everyone's yet), when its reads go to a replica that may lag, or when the view wrote,
set a cookie, changed the session or added a message while rendering it (the notification
list, which marks what it shows as read, is stored the next time). A page stays at most
``PAGE_SECONDS`` in the cache: a bound for writes made outside Django (``psql``). A deploy
runs ``migrate``, which drops every cached page (new templates, new code); with ``DEBUG`` on
nothing is cached, so a developer sees each change at once.

The CSRF token a page carries is the only per-request part: it is taken out before the
page is stored and a fresh one put in when it is served. The key and the token, hashed,
are the page's ``ETag``: a browser that sends it back gets ``304 Not Modified`` (a
conditional GET), the page being ``private, no-cache`` so that it always asks.

The signed-in person is kept in the cache too (accounts/backends.py), under a second token,
the **people stamp**, which every write to the user and group tables replaces the same way
(:func:`changes_people`): with sessions in Redis (``cached_db``), a page served from the
cache costs three round trips to Redis — the session, the person, the page — and no query.
"""

from __future__ import annotations

import functools
import hashlib
import re
import uuid

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache, caches
from django.core.cache.backends.db import DatabaseCache
from django.db import DEFAULT_DB_ALIAS, transaction
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_cache_control

STAMP_KEY = "pagecache:stamp"
PAGE_SECONDS = 600
# The people stamp: replaced by every write to the tables the signed-in person is read from
# (the user and their groups), so that accounts/backends.py may keep that person in the cache.
PEOPLE_STAMP_KEY = "pagecache:people"

_WRITE = re.compile(r"^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?)\s+\"?([\w.]+)", re.I)
_CTE_WRITE = re.compile(r"^\s*WITH\b.*\b(?:INSERT|UPDATE|DELETE)\b", re.I | re.S)
# Writes no cached page shows: sessions, failed sign-ins, a sign-in's time.
_UNSHOWN_TABLES = ("django_session", "axes_")
_SIGN_IN_ONLY = re.compile(r'^\s*UPDATE\s+"?\w+"?\s+SET\s+"?last_login"?\s*=\s*%s\s+WHERE', re.I)
_TOKEN = re.compile(r'(?:name="csrfmiddlewaretoken" value="|"X-CSRFToken": ")([A-Za-z0-9]{32,64})"')
_TOKEN_SLOT = "\x00csrf\x00"


def in_use() -> bool:
    """Pages are cached in Redis (CI, production) or in the process's memory (the tests),
    not in the database cache of `make run`: there each write's new stamp would cost three
    more queries, for a machine that serves one office."""
    return not isinstance(caches["default"], DatabaseCache)


def _current(key: str) -> str:
    """The stamp under ``key`` (a fresh one when the cache lost it: never an old one)."""
    stamp = cache.get(key)
    if stamp is None:
        cache.add(key, uuid.uuid4().hex, timeout=None)
        stamp = cache.get(key)
    return stamp


def data_stamp() -> str:
    """The current data stamp."""
    return _current(STAMP_KEY)


def bump() -> None:
    """Something any page may show has changed: every cached page is dead from now on."""
    cache.set(STAMP_KEY, uuid.uuid4().hex, timeout=None)


def people_stamp() -> str:
    """The current people stamp."""
    return _current(PEOPLE_STAMP_KEY)


def bump_people() -> None:
    """A person, their password, their active flag or their roles may have changed: every
    person kept in the cache is read again from the database on their next request."""
    cache.set(PEOPLE_STAMP_KEY, uuid.uuid4().hex, timeout=None)


# Stamps of named sets of tables (``watch_tables``): each replaced by every write that names
# one of its tables, however made, like the people stamp. A reader that depends on those
# tables only (the dashboard's unit tree, the stored scores) keeps its result under the
# stamp instead of reading a fingerprint of the tables on every request.
_TABLE_STAMPS: dict[str, tuple[tuple[str, ...], object]] = {}


def watch_tables(name: str, *tables: str) -> None:
    """Keep the stamp ``name``, replaced by every write naming one of ``tables`` (and every
    ``TRUNCATE``, and every ``migrate``). Called when the apps are ready, in every process
    that may write (web, Celery, commands), so that none writes unseen."""

    def bump_tables():
        cache.set(_table_key(name), uuid.uuid4().hex, timeout=None)

    _TABLE_STAMPS[name] = (tuple(table.lower() for table in tables), bump_tables)


def _table_key(name: str) -> str:
    return f"pagecache:tables:{name}"


def tables_stamp(name: str) -> str:
    """The current stamp of the tables watched as ``name`` (a fresh one when the cache lost
    it: never an old one). Writes made outside Django (``psql``) are not seen: a result kept
    under it lives no longer than its own timeout."""
    return _current(_table_key(name))


def tables_stamps(*names: str) -> dict[str, str]:
    """``tables_stamp`` of each of ``names``, in one round trip to the cache."""
    found = cache.get_many([_table_key(name) for name in names])
    return {name: found.get(_table_key(name)) or tables_stamp(name) for name in names}


def changes_shown_data(sql: str) -> bool:
    """Whether ``sql`` writes something a cached page could show."""
    found = _WRITE.match(sql)
    if found is None:
        return bool(_CTE_WRITE.match(sql))
    table = found.group(1).rsplit(".", 1)[-1].strip('"').lower()
    if table.startswith(_UNSHOWN_TABLES):
        return False
    return not _SIGN_IN_ONLY.match(sql)


@functools.cache
def _people_tables() -> tuple[str, ...]:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    user = get_user_model()
    # accounts_user also names accounts_user_groups and accounts_user_user_permissions.
    return (user._meta.db_table.lower(), Group._meta.db_table.lower())


def changes_people(sql: str) -> bool:
    """Whether ``sql`` may change how a signed-in person is read: any write that names the
    user or group tables anywhere (a sign-in's time too: nothing is left out), and every
    ``TRUNCATE`` (a flush names many tables)."""
    if _WRITE.match(sql) is None and _CTE_WRITE.match(sql) is None:
        return False
    lowered = sql.lower()
    return lowered.lstrip().startswith("truncate") or any(table in lowered for table in _people_tables())


def _in_transaction(connection) -> bool:
    """Inside an ``atomic`` block of the code (a test's own wrapping transaction does not
    count: everything in the test reads it)."""
    return connection.in_atomic_block and any(
        not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks
    )


def _bump_now_and_at_commit(connection, bump_stamp) -> None:
    bump_stamp()  # at once: what is read during the transaction is stored under a dead key
    if connection.in_atomic_block and not any(entry[1] is bump_stamp for entry in connection.run_on_commit):
        transaction.on_commit(bump_stamp, using=connection.alias)


def _changed_table_stamps(sql: str) -> list:
    """The bumps of the table stamps ``sql`` may change (``watch_tables``)."""
    if not _TABLE_STAMPS or (_WRITE.match(sql) is None and _CTE_WRITE.match(sql) is None):
        return []
    lowered = sql.lower()
    truncate = lowered.lstrip().startswith("truncate")
    return [
        bump_tables
        for tables, bump_tables in _TABLE_STAMPS.values()
        if truncate or any(table in lowered for table in tables)
    ]


def _watch(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    if isinstance(sql, str):
        shown, people = changes_shown_data(sql), changes_people(sql)
        if (shown or people) and in_use():
            if shown:
                _bump_now_and_at_commit(context["connection"], bump)
            if people:
                _bump_now_and_at_commit(context["connection"], bump_people)
            for bump_tables in _changed_table_stamps(sql):
                _bump_now_and_at_commit(context["connection"], bump_tables)
    return result


def after_migrate(sender, **kwargs) -> None:
    """``post_migrate`` receiver: a deploy runs ``migrate``, and pages (and people) kept by
    the code before it are not served after it."""
    bump()
    bump_people()
    for _tables, bump_tables in _TABLE_STAMPS.values():
        bump_tables()


def watch_writes(sender, connection, **kwargs) -> None:
    """``connection_created`` receiver: every write on the connection replaces the stamp."""
    if _watch not in connection.execute_wrappers:
        connection.execute_wrappers.append(_watch)


def _reads_primary() -> bool:
    from core.replica import read_alias

    return read_alias() == DEFAULT_DB_ALIAS


def _cacheable(request) -> bool:
    from django.db import connections

    return (
        in_use()
        and not settings.DEBUG  # a developer sees each change of a template at once
        and request.method in ("GET", "HEAD")
        and request.user.is_authenticated
        and not len(messages.get_messages(request))
        and not _in_transaction(connections[DEFAULT_DB_ALIAS])
        and _reads_primary()
    )


def _session_digest(session) -> str:
    return hashlib.sha256(repr(sorted(session.items())).encode()).hexdigest()


def page_key(request, name: str) -> str:
    """Where the page is kept; the data stamp it was made under is kept with it (one round
    trip to the cache reads both, see :func:`cached_page`)."""
    parts = [
        name,
        request.get_full_path(),
        str(request.user.pk),
        request.session.session_key or "",
        _session_digest(request.session),
        translation.get_language() or "",
        request.headers.get("HX-Request", ""),
        timezone.localdate().isoformat(),
    ]
    return "page:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _etag(key: str, stamp: str) -> str:
    return '"' + hashlib.sha256(f"{key}\x1f{stamp}".encode()).hexdigest()[:32] + '"'


def _storable(request, response) -> bool:
    storage = messages.get_messages(request)
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not getattr(storage, "added_new", False)
        and not request.session.modified
    )


def _without_tokens(html: str) -> str:
    for token in set(_TOKEN.findall(html)):
        html = html.replace(token, _TOKEN_SLOT)
    return html


def cached_page(view):
    """Serve ``view`` from the cache while nothing it shows has changed (see the module)."""
    name = f"{view.__module__}.{view.__qualname__}"

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not _cacheable(request):
            return view(request, *args, **kwargs)
        key = page_key(request, name)
        found = cache.get_many([STAMP_KEY, key])
        stamp = found.get(STAMP_KEY) or data_stamp()
        etag = _etag(key, stamp)
        unchanged = get_conditional_response(request, etag=etag)
        if unchanged is not None:
            unchanged["ETag"] = etag
            return unchanged
        stored = found.get(key)
        if stored is not None and stored[0] == stamp:  # made under the current data stamp
            _stamp, headers, html = stored
            response = HttpResponse(html.replace(_TOKEN_SLOT, get_token(request)), headers=headers)
        else:
            response = view(request, *args, **kwargs)
            if not _storable(request, response):
                return response
            if data_stamp() == stamp:  # nothing written while the page was made
                html = _without_tokens(response.content.decode(response.charset))
                cache.set(key, (stamp, dict(response.headers), html), timeout=PAGE_SECONDS)
        response["ETag"] = etag
        patch_cache_control(response, private=True, no_cache=True)
        return response

    return wrapped
