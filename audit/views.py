"""The 审计管理员's pages: the security log (search, export to Excel) and the
tamper-evident trail — to read only; nothing here changes anything (三员分立)."""

from __future__ import annotations

import datetime
import io

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from accounts import roles
from accounts.models import SecurityEvent
from accounts.security import record, retention_days

from .models import AuditLink

EXPORT_LIMIT = 100_000


class LogFilter(forms.Form):
    q = forms.CharField(label=gettext_lazy("Account or detail"), required=False, max_length=150)
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"), required=False, choices=[("", "—"), *SecurityEvent.Kind.choices]
    )
    start = forms.DateField(label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


def _require_auditor(user) -> None:
    if not roles.is_audit_admin(user):
        raise PermissionDenied


def _filtered(request):
    form = LogFilter(request.GET or None)
    entries = SecurityEvent.objects.all()
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            from django.db.models import Q

            entries = entries.filter(
                Q(username__icontains=data["q"]) | Q(actor__icontains=data["q"]) | Q(detail__icontains=data["q"])
            )
        if data["kind"]:
            entries = entries.filter(kind=data["kind"])
        zone = timezone.get_current_timezone()
        if data["start"]:
            entries = entries.filter(at__gte=datetime.datetime.combine(data["start"], datetime.time.min, zone))
        if data["end"]:
            end = data["end"] + datetime.timedelta(days=1)
            entries = entries.filter(at__lt=datetime.datetime.combine(end, datetime.time.min, zone))
    return form, entries.order_by("-at", "-id")


@login_required
@require_GET
def security_log(request):
    _require_auditor(request.user)
    form, entries = _filtered(request)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/security_log.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "retention_days": retention_days(),
            "status": 200 if not form.errors else 400,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def security_log_export(request):
    """The entries the filter selects, as an Excel workbook."""
    _require_auditor(request.user)
    from openpyxl import Workbook

    form, entries = _filtered(request)
    if form.errors:
        return HttpResponse(_("The filter is not valid."), status=400, content_type="text/plain; charset=utf-8")
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Security log"))
    sheet.append([_("At"), _("Kind"), _("Account"), _("By"), _("Address"), _("Detail")])
    zone = timezone.get_current_timezone()
    for entry in entries[:EXPORT_LIMIT].iterator(chunk_size=2000):
        sheet.append(
            [
                entry.at.astimezone(zone).replace(tzinfo=None),
                entry.get_kind_display(),
                entry.username,
                entry.actor,
                entry.ip_address or "",
                entry.detail,
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    record(SecurityEvent.Kind.EXPORT_DOWNLOADED, user=request.user, request=request, detail="security log")
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="security-log-{stamp}.xlsx"'
    return response


@login_required
@require_GET
def trail(request):
    """The newest links of every chain (the security log's included)."""
    _require_auditor(request.user)
    links = AuditLink.objects.select_related("content_type").order_by("-at", "-id")
    page = Paginator(links, 50).get_page(request.GET.get("page"))
    return render(request, "audit/trail.html", {"page": page})
