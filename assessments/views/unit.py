from collections import Counter

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from core import honours as core_honours
from core.pagecache import cached_page

from .. import permissions, selectors
from ..models import Period, Report


@login_required
@cached_page
def unit_detail(request, pk):
    """One unit's reports in a period and how far it is; for a 党组 or 机关党委 also the
    roll-up over every unit below it (DESIGN.md: scores and progress roll up the tree).

    Admins, leaders and supervisors may open any unit; a post holder their own (others 404).
    """
    unit = permissions.get_unit_for(request.user, pk)
    periods = list(Period.objects.exclude(state=Period.State.SCHEDULED).order_by("-year", "-half"))
    wanted = request.GET.get("period")
    if wanted:
        period = selectors.period_from_param(wanted)
        if period is None:
            raise Http404
    else:
        period = next((p for p in periods if p.state == Period.State.OPEN), periods[0] if periods else None)
    # The honours the organization conferred on the unit or on people for their work in it
    # (评先评优), read through the kernel: the honours app sits above this one.
    honours = core_honours.honours_for([unit]).get(unit.pk, [])
    context = {"unit": unit, "period": period, "periods": periods, "honours": honours}
    if period is not None:
        reports = list(
            # Within the unit's province (docs/scale.md 5: one shard on Citus).
            Report.objects.filter(selectors.ASSIGNMENT_JOINED, province=unit.province_id, period=period, unit=unit)
            .select_related(*selectors.LIST_RELATED, "reviewer")
            .order_by("category__order", "assignment__duty__code")
        )
        context["reports"] = reports
        context["completion"] = selectors.Completion(
            unit=unit, total=len(reports), counts=dict(Counter(report.state for report in reports))
        )
        context["period_param"] = selectors.period_param(period)
        if unit.kind in selectors.ROLL_UP_KINDS:
            lines, total = selectors.subtree_completion(unit, period)
            for line in lines:  # a link only where the unit's page opens for this person
                line.can_open = permissions.can_view_unit(request.user, line.unit)
            context["roll_up"] = lines
            context["roll_up_total"] = total
    return render(request, "assessments/unit.html", context)
