"""Dashboard, ranking, drill-down list and exports: thin views over permissions, selectors
and services. Filters live in the URL (UX.md), so every view can be bookmarked."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts import roles
from accounts.models import SecurityEvent
from accounts.security import record
from assessments import tasking
from assessments.models import Period, Report
from assessments.permissions import reports_visible_to
from core import provinces
from core.pagecache import cached_page
from core.replica import heavy_read_view
from core.selectors import counted_paginator
from responsibilities import access
from responsibilities.selectors import setup_tasks

from . import permissions, selectors, services
from .forms import ReportFilterForm
from .links import dashboard_url
from .models import Export
from .panels import ORDER_ATTENTION, build_overview, compliance_panel

RANKING_PAGE = 50
REPORTS_PAGE = 50


def _period_from(periods: list[Period], value) -> Period | None:
    """The period named in the URL (404 when unknown), else the newest open or closed."""
    if value in (None, ""):
        return periods[0] if periods else None
    for period in periods:
        if str(period.pk) == str(value):
            return period
    raise Http404


@require_GET
@login_required
@heavy_read_view
@cached_page
def index(request):
    scope = permissions.scope_for(request.user, request.GET.get("unit"))
    periods = selectors.dashboard_periods(stamped=scope)
    period = _period_from(periods, request.GET.get("period"))
    # The admin's home: the dashboard with what is still to set up beside it (UX.md).
    setup = setup_tasks() if roles.is_admin(request.user) else None
    if period is None:
        return render(request, "dashboard/index.html", {"scope": scope, "period": None, "setup": setup})
    color = "score" if request.GET.get("color") == "score" else "completion"
    overview = build_overview(
        scope=scope,
        periods=periods,
        period=period,
        color=color,
        order=request.GET.get("order"),
        page=request.GET.get("page"),
    )
    # The colour switch keeps the page of rows and its order (filters live in the URL).
    shown = {"order": overview.order if overview.row_page and overview.order != ORDER_ATTENTION else None}
    if overview.row_page is not None and overview.row_page.number > 1:
        shown["page"] = overview.row_page.number
    context = {
        "scope": scope,
        "period": period,
        "o": overview,
        "charts": overview.chart_data(),
        "by_score": color == "score",
        "can_rank": permissions.can_view_ranking(request.user),
        "setup": setup,
        "tasks": tasking.counts(
            tasking.visible_to(request.user).filter(access.in_subtree(scope.root), scope.province_q())
        ),
        "color_urls": {
            c: dashboard_url(period=period, unit=scope.root, color=c if c == "score" else None, **shown)
            for c in ("completion", "score")
        },
    }
    return render(request, "dashboard/index.html", context)


@require_GET
@login_required
@heavy_read_view
def ranking(request):
    permissions.require(permissions.can_view_ranking(request.user))
    scope = permissions.scope_for(request.user, request.GET.get("unit"))
    periods = selectors.dashboard_periods()
    period = _period_from(periods, request.GET.get("period"))
    context = {"scope": scope, "period": period, "periods": periods}
    if period is not None:
        previous = selectors.previous_period(periods, period)
        try:
            page_number = max(1, int(request.GET.get("page", 1)))
        except ValueError:
            page_number = 1
        lines, count = selectors.ranking(
            scope, period, previous, limit=RANKING_PAGE, offset=(page_number - 1) * RANKING_PAGE
        )
        pages = max(1, -(-count // RANKING_PAGE))
        context.update(
            {
                "previous": previous,
                "lines": lines,
                "count": count,
                "page_number": page_number,
                "pages": pages,
                "prev_url": dashboard_url("dashboard:ranking", period=period, unit=scope.root, page=page_number - 1)
                if page_number > 1
                else None,
                "next_url": dashboard_url("dashboard:ranking", period=period, unit=scope.root, page=page_number + 1)
                if page_number < pages
                else None,
                "exemplars": selectors.EXEMPLARS,
            }
        )
    return render(request, "dashboard/ranking.html", context)


@require_GET
@login_required
@heavy_read_view
def reports(request):
    """The reports behind any number of the dashboard, with the same filters in the URL."""
    form = ReportFilterForm(request.GET or None)
    if request.GET and not form.is_valid():
        return render(request, "dashboard/reports.html", {"form": form, "invalid": True}, status=400)
    data = form.cleaned_data if request.GET else {}
    scope = permissions.scope_for(request.user, data.get("unit"))
    period = (
        data.get("period") or Period.objects.exclude(state=Period.State.SCHEDULED).order_by("-year", "-half").first()
    )
    qs = Report.objects.none()
    tallied = None
    if period is not None:
        tallied = selectors.listed_count(request.user, scope, period, data)
        qs = reports_visible_to(request.user, Report.objects.all()).filter(
            scope.q(exact=bool(data.get("exact"))), selectors.listed_where(period, data)
        )
    counted = qs
    qs = qs.filter(provinces.joined("assignment"))  # within its province (docs/scale.md 5)
    qs = qs.select_related("unit", "category", "assignment__duty", "responsible").order_by(
        "unit__path", "category__order", "assignment__duty__code", "id"
    )
    # Read from the report tally where it answers the same question (``listed_count``),
    # else counted on the reports alone: the join above keeps every report (a report and
    # its assignment share their province), and joined in the count it looked up each
    # counted report's assignment (0.5 s for the week's 300,000 at ten times province scale).
    count = tallied if tallied is not None else counted.count()
    page = counted_paginator(qs, REPORTS_PAGE, count=count).get_page(request.GET.get("page"))
    for report in page:
        report.period = period
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "scope": scope,
        "period": period,
        "page": page,
        "query": query.urlencode(),
        "filters": data,
        "dashboard_url": dashboard_url(period=period, unit=scope.root),
    }
    return render(request, "dashboard/reports.html", context)


def _export_scope(request, source):
    scope = permissions.scope_for(request.user, source.get("unit"))
    periods = selectors.dashboard_periods()
    period = _period_from(periods, source.get("period"))
    if period is None:
        raise Http404
    return scope, period


@require_GET
@login_required
def exports_panel(request):
    """The exports of a period and subtree, with progress; polled by htmx while one runs."""
    scope, period = _export_scope(request, request.GET)
    return exports_panel_for(request, scope, period)


@require_POST
@login_required
def export_create(request):
    scope, period = _export_scope(request, request.POST)
    kind = request.POST.get("kind")
    if kind not in Export.PERIOD_KINDS:
        return render(request, "dashboard/_exports.html", {"error": _("Unknown kind of export.")}, status=400)
    services.request_export(user=request.user, kind=kind, period=period, unit=_export_unit(scope))
    if request.htmx:
        return exports_panel_for(request, scope, period)
    messages.success(request, _("The export is being built; it appears under Exports when ready."))
    return redirect(dashboard_url(period=period, unit=scope.root) + "#exports")


def _export_unit(scope):
    # The whole organization is stored as no unit, as the close of a period stores it.
    return None if scope.whole_organization else scope.root


def exports_panel_for(request, scope, period):
    exports = list(
        Export.objects.filter(period=period, unit=_export_unit(scope)).select_related("period", "requested_by")[:6]
    )
    newest_of_kind: dict[str, Export] = {}
    for export in exports:  # newest first: a retry button on the latest of each kind, if it failed
        newest_of_kind.setdefault(export.kind, export)
        export.retry = newest_of_kind[export.kind] is export and export.status == Export.Status.FAILED
    context = {"scope": scope, "period": period, "exports": exports, "running": any(e.is_active for e in exports)}
    return render(request, "dashboard/_exports.html", context)


@require_GET
@login_required
def export_download(request, token):
    """Exports are private files: handed out here only, to whoever may see that dashboard."""
    try:
        export = Export.objects.select_related("period", "unit").get(token=token)
    except (Export.DoesNotExist, ValueError):
        raise Http404 from None
    if not permissions.can_view_export(request.user, export):
        raise Http404
    if export.status != Export.Status.DONE or not export.file:
        raise Http404
    # Every export handed out is in the security log (等保 2.0 安全审计, docs/security.md).
    record(SecurityEvent.Kind.EXPORT_DOWNLOADED, user=request.user, request=request, detail=export.download_name())
    return FileResponse(export.file.open("rb"), as_attachment=True, filename=export.download_name())


@require_GET
@login_required
@heavy_read_view
def compliance(request):
    """The compliance panel (履责纪实 against the rules, units × record types) of the
    dashboard's scope: the fragment the dashboard loads into itself (htmx), or a page of
    its own without JavaScript. The same scope rules as the dashboard (403 / 404)."""
    scope = permissions.scope_for(request.user, request.GET.get("unit"))
    _crumbs, rows = selectors.tree_units(scope)
    context = {"scope": scope, "compliance": compliance_panel(scope, rows)}
    if request.headers.get("HX-Request"):
        return render(request, "dashboard/_compliance.html", context)
    return render(request, "dashboard/compliance.html", context)
