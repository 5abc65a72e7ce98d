"""Work records (履责纪实) as lists: read-only here; entering and editing records live
beside it. Filters live in the URL so that the compliance panel can drill down to the
records behind a count."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import render
from django.views.decorators.http import require_GET

from responsibilities import access
from responsibilities.models import Post

from .forms import RecordFilterForm
from .models import WorkRecord

PAGE = 50


@require_GET
@login_required
def record_list(request):
    """The work records the user may see, filtered by unit, post, duty, type, dates and
    text. Four queries whatever the number of records (count, page, files, sign-in)."""
    if not access.may_see_anything(request.user):
        raise PermissionDenied
    form = RecordFilterForm(request.GET or None)
    records = access.visible(request.user, WorkRecord.objects.all())
    if form.is_valid():
        data = form.cleaned_data
        if data["unit"]:
            records = records.filter(unit_id=data["unit"])
        if data["post"]:
            # a post's records: its own (wherever held) and its unit's as a body
            unit_id = Post.objects.filter(pk=data["post"]).values_list("unit_id", flat=True).first()
            records = records.filter(Q(post_id=data["post"]) | Q(post__isnull=True, unit_id=unit_id))
        if data["duty"]:
            records = records.filter(duties=data["duty"])
        if data["kind"]:
            records = records.filter(kind=data["kind"])
        if data["start"]:
            records = records.filter(held_on__gte=data["start"])
        if data["end"]:
            records = records.filter(held_on__lte=data["end"])
        if data["q"]:
            records = records.filter(Q(topic__icontains=data["q"]) | Q(place__icontains=data["q"]))
    records = records.select_related("unit", "post").annotate(file_count=Count("files")).order_by("-held_on", "-pk")
    page = Paginator(records, PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "worklog/record_list.html", {"form": form, "page": page, "records": page, "query": query.urlencode()}
    )
