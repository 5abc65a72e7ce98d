"""我的党建联系点: the units whose liaison post the reader holds now, each with how far its
reports are this period (one grouped query), and links only where their page opens."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from core import links
from responsibilities import access

from ..models import Period, Report

STATES = [Report.State.DRAFT, Report.State.RETURNED, Report.State.SUBMITTED, Report.State.APPROVED, Report.State.LOCKED]


@require_GET
@login_required
def my_liaisons(request):
    """For whoever holds a liaison post now (a leader, usually); everyone else 403."""
    user = request.user
    if not access.holds_liaison_post(user):
        raise PermissionDenied
    liaisons = list(access.my_liaisons(user))
    period = Period.objects.filter(state=Period.State.OPEN).order_by("-year", "-half").first()
    counts = {}
    if period is not None and liaisons:
        grouped = (
            Report.objects.filter(period=period, unit_id__in=[row.unit_id for row in liaisons])
            .values("unit_id")
            .annotate(total=Count("id"), **{state: Count("id", filter=Q(state=state)) for state in STATES})
            .order_by()
        )
        counts = {row["unit_id"]: row for row in grouped}
    rows = []
    for liaison in liaisons:
        unit_counts = counts.get(liaison.unit_id, {})
        rows.append(
            {
                "liaison": liaison,
                "unit": liaison.unit,
                "total": unit_counts.get("total", 0),
                "states": [(state, Report.State(state).label, unit_counts.get(state, 0)) for state in STATES],
                "waiting": unit_counts.get(Report.State.SUBMITTED, 0),
                "unit_url": reverse("assessments:unit", args=[liaison.unit_id]),
                "queue_url": reverse("assessments:review_queue") + "?" + urlencode({"unit": liaison.unit_id}),
            }
        )
    # A link only where its page would open for this reader (DESIGN.md, "Who sees what").
    open_to = links.links_open_to(user, [u for row in rows for u in (row["unit_url"], row["queue_url"])])
    for row in rows:
        row["unit_open"] = open_to.get(row["unit_url"], False)
        row["queue_open"] = open_to.get(row["queue_url"], False) and row["waiting"] > 0
    return render(request, "assessments/my_liaisons.html", {"rows": rows, "period": period})
