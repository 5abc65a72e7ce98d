from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from accounts import roles
from responsibilities import access

from .. import selectors
from ..models import Report


def group_by_category(reports: list[Report]) -> list[tuple]:
    """[(category, [reports…]), …] in the order the query gave (category order)."""
    groups: dict = {}
    for report in reports:
        groups.setdefault(report.category, []).append(report)
    return list(groups.items())


@login_required
def my_reports(request):
    """我的责任: this period's reports of my unit(s), returned ones first (UX.md).

    For every post holder; a secretary without a post sees what to do next. A fixed number
    of queries (≤ 10) whatever the number of reports.
    """
    user = request.user
    held = access.held_unit_ids(user)
    if not held and not roles.has_role(user, roles.SECRETARY):
        raise PermissionDenied
    period = selectors.current_period()
    context = {"period": period, "holds_post": bool(held)}
    if period is None:
        context["opens_on"] = selectors.next_opening()
    elif held:
        reports = selectors.my_reports(user, period)
        context.update(
            returned=[r for r in reports if r.state == Report.State.RETURNED],
            groups=group_by_category(reports),
            total=len(reports),
            handed_in=sum(r.state in (Report.State.SUBMITTED, Report.State.APPROVED) for r in reports),
            to_do=sum(r.state in Report.EDITABLE for r in reports),
            several_units=len({r.unit_id for r in reports}) > 1,
            units=sorted({r.unit for r in reports}, key=lambda u: u.path),
            period_param=selectors.period_param(period),
        )
    return render(request, "assessments/my_reports.html", context)
