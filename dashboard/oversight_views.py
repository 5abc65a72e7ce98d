"""The lists behind the dashboard's 整改 and 督办 panels: the same scope as the dashboard
(``permissions.scope_for``: another unit's id answers 404), filters in the URL (UX.md), a
fixed number of queries per page whatever the data size."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from assessments.models import Period
from core.replica import heavy_read_view
from oversight.models import Rectification, SupervisionNotice

from . import permissions, selectors
from .forms import FollowUpFilterForm
from .links import dashboard_url
from .oversight_panels import build_follow_up, status_labels, status_q
from .views import _period_from

PAGE = 50


def _list(request, kind: str):
    model = Rectification if kind == "rectification" else SupervisionNotice
    form = FollowUpFilterForm(request.GET or None, with_source=kind == "rectification")
    context = {"form": form, "kind": kind}
    if request.GET and not form.is_valid():
        return render(request, "dashboard/follow_up_list.html", {**context, "invalid": True}, status=400)
    data = form.cleaned_data if request.GET else {}
    scope = permissions.scope_for(request.user, data.get("unit"))
    period = (
        data.get("period") or Period.objects.exclude(state=Period.State.SCHEDULED).order_by("-year", "-half").first()
    )
    qs = model.objects.filter(scope.q(exact=bool(data.get("exact"))))
    status = data.get("status")
    if status:
        qs = qs.none() if period is None else qs.filter(status_q(kind, status, period))
    if data.get("source"):
        qs = qs.filter(source=data["source"])
    if kind == "rectification":
        qs = qs.select_related("unit", "post__holder", "duty").order_by("unit__path", "deadline", "pk")
    else:
        qs = qs.select_related("unit", "issued_by").order_by("unit__path", "-year", "-number")
    page = Paginator(qs, PAGE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for item in page:
        item.days_left = (item.deadline - today).days
    query = request.GET.copy()
    query.pop("page", None)
    context.update(
        {
            "scope": scope,
            "period": period,
            "page": page,
            "query": query.urlencode(),
            "filters": data,
            "status_label": status_labels().get(status or ""),
            "dashboard_url": dashboard_url(period=period, unit=scope.root) if period else dashboard_url(),
        }
    )
    return render(request, "dashboard/follow_up_list.html", context)


@require_GET
@login_required
@heavy_read_view
def rectifications(request):
    return _list(request, "rectification")


@require_GET
@login_required
@heavy_read_view
def notices(request):
    return _list(request, "notice")


@require_GET
@login_required
@heavy_read_view
def follow_up_panel(request):
    """The dashboard's 整改 and 督办 panels, loaded by htmx beside the overview (so that the
    overview's own query budget is untouched): the same scope and period as the page."""
    scope = permissions.scope_for(request.user, request.GET.get("unit"))
    period = _period_from(selectors.dashboard_periods(), request.GET.get("period"))
    if period is None:
        raise Http404
    _crumbs, rows = selectors.tree_units(scope)
    follow_up = build_follow_up(scope=scope, period=period, rows=rows)
    return render(request, "dashboard/_follow_up.html", {"follow_up": follow_up, "scope": scope, "period": period})
