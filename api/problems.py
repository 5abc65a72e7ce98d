"""Errors as problem details (RFC 9457, ``application/problem+json``): every refusal of
the API — 400, 401, 403, 404, 405, 409, 503 — is one JSON object with ``type``, ``title``,
``status`` and ``detail``, and a bad request also names each field and what is wrong."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import DatabaseError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.views import exception_handler

from core import busy
from core.errors import EvidenceError, TransitionError, refused_by_another

CONTENT_TYPE = "application/problem+json"


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class Busy(exceptions.APIException):
    """PostgreSQL refused the request's transaction for another one (``core.busy``):
    nothing was saved; the same request again shortly (``Retry-After``)."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "busy"
    wait = busy.RETRY_AFTER_SECONDS


def titles() -> dict[int, str]:
    return {
        400: _("The request is not valid"),
        401: _("Sign-in needed"),
        403: _("Not allowed"),
        404: _("Not found"),
        405: _("Method not allowed"),
        406: _("Not acceptable"),
        409: _("Not possible now"),
        415: _("Unsupported media type"),
        429: _("Too many requests"),
        503: _("Busy: nothing was saved"),
    }


def problem(status_code: int, detail: str, *, instance: str = "", errors: dict | None = None) -> dict:
    body = {
        "type": "about:blank",
        "title": titles().get(status_code, _("Error")),
        "status": status_code,
        "detail": detail,
    }
    if instance:
        body["instance"] = instance
    if errors:
        body["errors"] = errors
    return body


def handler(exc, context):
    """DRF's exception handler, answering in problem JSON. The domain's errors are the
    person's to fix: a refused upload is a 400, a step the state does not allow a 409."""
    if isinstance(exc, EvidenceError):
        exc = exceptions.ValidationError({"files": [str(exc)]})
    elif isinstance(exc, TransitionError):
        exc = Conflict(str(exc))
    elif isinstance(exc, DatabaseError) and refused_by_another(exc) and context.get("request") is not None:
        busy.log_refusal(context["request"], exc)
        exc = Busy(busy.busy_message())
    response = exception_handler(exc, context)
    if response is None:
        return None
    request = context.get("request")
    data = response.data
    errors = None
    if isinstance(exc, exceptions.ValidationError):
        errors = data if isinstance(data, dict) else {"non_field_errors": data}
        detail = _("Some fields are not valid; see “errors”.")
    elif isinstance(exc, (Http404, exceptions.NotFound)):
        detail = _("There is no such object, or it is not yours to see.")
    elif isinstance(exc, (PermissionDenied, exceptions.PermissionDenied)) and not str(data.get("detail", "")).strip():
        detail = _("You may not do this.")
    else:
        detail = str(data.get("detail", "")) if isinstance(data, dict) else str(data)
    response.data = problem(
        response.status_code, detail, instance=request.get_full_path() if request else "", errors=errors
    )
    response.content_type = CONTENT_TYPE
    return response


def not_found(request, *args, **kwargs):
    """Any address under /api/ that names no endpoint."""
    return JsonResponse(
        problem(404, _("There is no such endpoint."), instance=request.get_full_path()),
        status=404,
        content_type=CONTENT_TYPE,
    )
