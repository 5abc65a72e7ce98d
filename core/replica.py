"""Heavy reads on a PostgreSQL streaming replica (DESIGN.md, "Runtime").

When ``DATABASE_REPLICA_URL`` is set, the pages and jobs that read much and write nothing —
the dashboard, the drill-down list, the ranking and the scores, the exports and the hearing
pack — mark themselves with :func:`heavy_reads` (a context manager) or :func:`heavy_read_view`
(a view decorator), and their queries go to the ``replica`` database. Everything else, and
every write anywhere, goes to the primary (``default``). Which reads are heavy is said in
the code that does them, never guessed from the model.

Reads fall back to the primary:

- for a person who has just written: a session that wrote in the last
  ``DATABASE_REPLICA_OWN_WRITES_SECONDS`` reads the primary (:class:`ReadYourWritesMiddleware`);
- for background work (exports): unless the replica has replayed everything the primary had
  written when the work began, waiting for it at most ``DATABASE_REPLICA_CATCH_UP_SECONDS``;
- for everyone, while the replica is down or more than ``DATABASE_REPLICA_MAX_LAG`` seconds
  behind. ``/healthz/`` says which (:func:`status`).

Without a replica configured none of this is installed: the router, the middleware and the
checks cost nothing.
"""

from __future__ import annotations

import functools
import time
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
SESSION_KEY = "_mingze_wrote_at"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

# Where the reads of the current request or task go: the replica inside a heavy read that
# may use it, else the primary. A context variable, so threads and tasks never share it.
_read_alias: ContextVar[str] = ContextVar("mingze_read_alias", default=DEFAULT_DB_ALIAS)
# Whether the current request's session wrote recently (set by the middleware).
_own_writes: ContextVar[bool] = ContextVar("mingze_own_writes", default=False)

# How far behind the replica is, in seconds, asked of the replica itself: 0 when it has
# replayed all it received and still streams from the primary, however idle the primary is;
# else the age of the last transaction it replayed. (A user without pg_read_all_stats sees
# the WAL receiver's row but not its status: a receiver that is there counts as streaming.)
LAG_SQL = """
SELECT CASE
    WHEN NOT pg_is_in_recovery() THEN 0
    WHEN pg_last_wal_receive_lsn() IS NOT DISTINCT FROM pg_last_wal_replay_lsn()
         AND EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE COALESCE(status, 'streaming') = 'streaming') THEN 0
    ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 1e9)
END
"""


def configured() -> bool:
    return REPLICA in settings.DATABASES


# ---------------------------------------------------------------------------------------
# The replica's state, as this process last saw it


@dataclass
class State:
    usable: bool
    lag: float | None  # seconds behind; None when the replica could not be asked
    error: str = ""
    checked_at: float = 0.0

    def describe(self) -> str:
        if self.error:
            return f"error: {self.error} (heavy reads on the primary)"
        if not self.usable:
            return f"lagging {self.lag:.1f} s (heavy reads on the primary)"
        return "ok"


# An observation of the replica, not application state: each process asks the replica at
# most once a second (every few seconds while it is down) instead of before every read.
_last: State | None = None


def _check() -> State:
    limit = settings.DATABASE_REPLICA_MAX_LAG
    try:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute(LAG_SQL)
            (lag,) = cursor.fetchone()
    except Exception as exc:  # any driver error means "down"; the name says which
        connections[REPLICA].close()  # a broken connection is not kept for the next try
        return State(usable=False, lag=None, error=exc.__class__.__name__)
    lag = float(lag)
    return State(usable=lag <= limit, lag=lag)


def state(*, fresh: bool = False) -> State:
    """The replica's state, asked again when the last answer is older than
    ``DATABASE_REPLICA_CHECK_SECONDS`` (five times that while it is down) or ``fresh``."""
    global _last
    now = time.monotonic()
    if _last is not None and not fresh:
        age = settings.DATABASE_REPLICA_CHECK_SECONDS * (5 if _last.error else 1)
        if now - _last.checked_at < age:
            return _last
    _last = _check()
    _last.checked_at = now
    return _last


def status() -> str | None:
    """For /healthz/: "ok", why heavy reads are on the primary, or None (no replica)."""
    return state(fresh=True).describe() if configured() else None


def _caught_up(timeout: float) -> bool:
    """Whether the replica has replayed all the primary had written when asked — waiting
    for it at most ``timeout`` seconds. What a task wrote before is then on the replica."""
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        (target,) = cursor.fetchone()
    deadline = time.monotonic() + timeout
    while True:
        try:
            with connections[REPLICA].cursor() as cursor:
                cursor.execute("SELECT NOT pg_is_in_recovery() OR pg_last_wal_replay_lsn() >= %s::pg_lsn", [target])
                (done,) = cursor.fetchone()
        except Exception:
            connections[REPLICA].close()
            return False
        if done or time.monotonic() >= deadline:
            return bool(done)
        time.sleep(0.02)


# ---------------------------------------------------------------------------------------
# Marking heavy reads


def _choose(*, caught_up: bool) -> str:
    if not configured() or _own_writes.get():
        return DEFAULT_DB_ALIAS
    if not state().usable:
        return DEFAULT_DB_ALIAS
    if caught_up and not _caught_up(settings.DATABASE_REPLICA_CATCH_UP_SECONDS):
        return DEFAULT_DB_ALIAS
    return REPLICA


@contextmanager
def heavy_reads(*, caught_up: bool = False):
    """Send the reads inside to the replica when it may serve them (see the module's text).

    ``caught_up``: for background work that must see everything written before it began
    (its own writes too): the replica only once it has replayed all of that.
    Writes inside still go to the primary.
    """
    token = _read_alias.set(_choose(caught_up=caught_up))
    try:
        yield
    finally:
        _read_alias.reset(token)


def heavy_read_view(view):
    """A view whose reads are heavy and may be served by the replica."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        with heavy_reads():
            return view(request, *args, **kwargs)

    return wrapped


def read_alias() -> str:
    """The database the current reads go to: for code that runs SQL by hand."""
    return _read_alias.get()


class ReplicaRouter:
    """Reads where :func:`heavy_reads` said (the primary outside it), writes always on the
    primary, and migrations only there (the replica copies them)."""

    def db_for_read(self, model, **hints):
        return _read_alias.get()

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same rows on both

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS


class ReadYourWritesMiddleware:
    """A session that wrote in the last ``DATABASE_REPLICA_OWN_WRITES_SECONDS`` reads the
    primary, so a person sees what they have just done on every page, the heavy ones too.

    A request "wrote" when it was not a GET or HEAD (a form sent, a file uploaded); the time
    is kept in the session, which lives in the database, so every web process knows it.
    """

    def __init__(self, get_response):
        if not configured():
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        wrote_at = session.get(SESSION_KEY) if session is not None else None
        recent = wrote_at is not None and time.time() - wrote_at < settings.DATABASE_REPLICA_OWN_WRITES_SECONDS
        token = _own_writes.set(recent)
        try:
            response = self.get_response(request)
        finally:
            _own_writes.reset(token)
        user = getattr(request, "user", None)
        if request.method not in SAFE_METHODS and session is not None and user is not None and user.is_authenticated:
            session[SESSION_KEY] = time.time()
        return response
