from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone

from accounts import roles
from core.pagecache import cached_page
from responsibilities import access
from worklog import compliance

from .. import selectors, tasking
from ..models import Report


def group_by_category(reports: list[Report]) -> list[tuple]:
    """[(category, [reports…]), …] in the order the query gave (category order)."""
    groups: dict = {}
    for report in reports:
        groups.setdefault(report.category, []).append(report)
    return list(groups.items())


def group_by_post(reports: list[Report]) -> list[tuple]:
    """[(post, [(category, [reports…]), …]), …] in the order the query gave (post order)."""
    posts: dict = {}
    for report in reports:
        posts.setdefault(report.assignment.post, []).append(report)
    return [(post, group_by_category(rows)) for post, rows in posts.items()]


@login_required
@cached_page
def my_reports(request):
    """我的责任: this period's reports of the posts I carry, returned ones first, grouped by
    post when I hold several (UX.md).

    For every post holder — leaders, the supervisor and admins included; a secretary
    without a post sees what to do next. A fixed number of queries (≤ 10) whatever the
    number of reports.
    """
    user = request.user
    held = access.carried_post_ids(user)
    if not held and not roles.has_role(user, roles.SECRETARY):
        raise PermissionDenied
    period = selectors.current_period()
    context = {"period": period, "holds_post": bool(held), "tasks": tasking.open_for(user)}
    if period is None:
        context["opens_on"] = selectors.next_opening()
    elif held:
        reports = selectors.my_reports(user, period)
        context.update(
            returned=[r for r in reports if r.state == Report.State.RETURNED],
            by_post=group_by_post(reports),
            several_posts=len({r.assignment.post_id for r in reports}) > 1,
            total=len(reports),
            handed_in=sum(r.state in (Report.State.SUBMITTED, Report.State.APPROVED) for r in reports),
            to_do=sum(r.state in Report.EDITABLE for r in reports),
            several_units=len({r.unit_id for r in reports}) > 1,
            units=sorted({r.unit for r in reports}, key=lambda u: u.path),
            period_param=selectors.period_param(period),
        )
    if held:
        # 履责纪实: each counted duty of my posts, records this half against the rule (二、一).
        today = timezone.localdate()
        tallies = compliance.tallies(
            compliance.counted_assignments(posts=held, year=today.year, provinces=access.province_ids(user)),
            today=today,
        )
        context["tallies"] = tallies
        context["tallies_several_posts"] = len({t.assignment.post_id for t in tallies}) > 1
        context["half_start"], context["half_end"] = compliance.half_of(today)
    return render(request, "assessments/my_reports.html", context)
