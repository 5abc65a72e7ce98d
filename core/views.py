from django.contrib.staticfiles import finders
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET

from . import replica
from .health import check_broker, check_database


@never_cache
@require_GET
def healthz(request):
    """200 with every part "ok", or 503 naming the part that failed. With a read replica,
    "replica" says whether it serves the heavy reads or why the primary does; Mingze works
    either way, so a replica down or behind does not make the answer 503."""
    parts = {"database": check_database(), "broker": check_broker()}
    status = 200 if all(value == "ok" for value in parts.values()) else 503
    replica_status = replica.status()
    if replica_status is not None:
        parts["replica"] = replica_status
    return JsonResponse(parts, status=status)


@require_GET
@cache_control(max_age=86400, public=True)
def favicon(request):
    """``/favicon.ico``, which browsers ask for by themselves (on a PDF, a download, or
    before they read the page's ``<link rel="icon">``): the site's icon, never a 404."""
    path = finders.find("img/favicon.png")
    if not path:
        raise Http404
    return FileResponse(open(path, "rb"), content_type="image/png")


def error_403(request, exception=None):
    # A refusal that says why (``PermissionDenied(reason)``, e.g. "you hold a post in this
    # unit") shows its reason; a bare one the general words.
    reason = str(exception) if exception is not None and exception.args and exception.args[0] else ""
    return render(request, "errors/403.html", {"reason": reason}, status=403)


def error_404(request, exception=None):
    return render(request, "errors/404.html", status=404)


def error_500(request):
    return render(request, "errors/500.html", status=500)
