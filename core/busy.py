"""PostgreSQL refusing a web request's transaction for another one at the same moment (a
deadlock, a serialization failure, a lock not granted within ``lock_timeout``:
``core.errors.refused_by_another``) answers with the busy page — nothing was saved, try
again — instead of a 500, on every page; and a web request waits for a lock at most
``DATABASE_LOCK_TIMEOUT`` seconds, so that nobody is left waiting without limit behind a
long admin step (a merge, an import, a move in the tree).

**Why 503 with Retry-After, not 409.** The request itself was right and, sent again, will
most likely pass: the server was momentarily busy with another change of the same rows.
409 says the request conflicts with the resource's state, which the person would have to
resolve first (an edit made meanwhile, a state moved on: Mingze's ``TransitionError`` pages
say so); 503 with ``Retry-After`` says "not now, the same again shortly", which is what
happened — and what a client of the API, or a proxy, knows how to act on.

**Nothing was saved.** Mingze's writing steps are each one transaction (the services'
``transaction.atomic``); the refused one is rolled back whole by PostgreSQL, and no
step commits part of its work before another part may be refused.
"""

import logging

from django.conf import settings
from django.contrib import messages
from django.db import DatabaseError
from django.http import HttpResponse
from django.template import loader
from django.utils.translation import gettext

from .errors import database_code, refused_by_another

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5


class BusyMiddleware:
    """The busy page (``error_busy``) for a view that PostgreSQL refused for
    another transaction, logged as a warning with what was refused; any other error goes
    on to Django's own handling (the 500 page)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DatabaseError) or not refused_by_another(exception):
            return None
        log_refusal(request, exception)
        if request.headers.get("x-requested-with") == "XMLHttpRequest" or request.headers.get("hx-request"):
            # A call from a page's script (treebeard's drag and drop reloads the page
            # whatever the answer): the page it reloads says why too.
            messages.error(request, busy_message(), fail_silently=True)
        return error_busy(request, exception)


def log_refusal(request, exception) -> None:
    """A warning naming the request and PostgreSQL's code (40001, 40P01, 55P03)."""
    logger.warning(
        "%s %s refused by another transaction (%s): %s",
        request.method,
        request.path,
        database_code(exception),
        str(exception).strip().splitlines()[0] if str(exception).strip() else type(exception).__name__,
        extra={"status_code": 503, "request": request},
    )


def busy_message() -> str:
    return gettext(
        "Someone else was changing the same records at the same moment, so your request could not be "
        "finished. Nothing was saved. Please try again in a moment."
    )


def error_busy(request, exception=None):
    """503, try again shortly: the page, beside ``core.views``' error pages, reads nothing
    from the database (no context processors), whose transaction was just refused."""
    page = loader.render_to_string("errors/busy.html", {"message": busy_message(), "again": request.get_full_path()})
    response = HttpResponse(page, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def limit_lock_waits(databases: dict | None = None) -> None:
    """Give the web processes' PostgreSQL connections ``lock_timeout`` =
    ``DATABASE_LOCK_TIMEOUT`` (seconds; 0 leaves it unset), as a startup parameter of each
    connection (``options=-c lock_timeout=…``): no ``SET``, no query more. Called by
    ``config/wsgi.py`` and ``config/asgi.py`` only, so Celery workers, management commands
    and migrations — long jobs that may rightly wait — keep PostgreSQL's default (no
    limit). Behind PgBouncer in transaction mode (``DATABASE_TRANSACTION_POOLING``) a
    startup parameter does not reach the server: there, give the web processes a database
    role of their own with ``ALTER ROLE … SET lock_timeout`` (README)."""
    seconds = settings.DATABASE_LOCK_TIMEOUT
    if not seconds or settings.DATABASE_TRANSACTION_POOLING:
        return
    for database in (settings.DATABASES if databases is None else databases).values():
        if "postgresql" not in database.get("ENGINE", ""):
            continue
        options = database.setdefault("OPTIONS", {})
        given = options.get("options", "")
        if "lock_timeout" not in given:
            options["options"] = f"{given} -c lock_timeout={round(seconds * 1000)}".strip()
