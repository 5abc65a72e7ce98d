from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.pagecache import cached_page

from .. import permissions, selectors, services
from ..forms import ApproveForm, QueueFilterForm, ReasonForm, ReturnForm
from ..models import Grade, Report
from ..notifications import told_about
from .report import names_of, queue_filters, render_report

QUEUE_PAGE_SIZE = 50


@login_required
@cached_page
def review_queue(request):
    """待审核: submitted reports of the units I am liaison of (admins: all), oldest first.

    The filters live in the URL; without a ``state`` the queue shows what waits for review.
    """
    user = request.user
    if not permissions.may_review_anything(user):
        raise PermissionDenied
    data = request.GET.copy()
    if "state" not in data:
        data["state"] = Report.State.SUBMITTED
    units = selectors.reviewable_units(user)
    listed = selectors.listed_units(units)
    form = QueueFilterForm(data, units=units, listed=listed)
    status = 200
    page = None
    carry = {}
    if form.is_valid():
        filters = form.cleaned_data
        asked = {name: filters[name] for name in ("state", "unit", "category")}
        rows = selectors.review_queue(user, **asked)
        count = selectors.review_queue_count(user, **asked)
        page = selectors.review_queue_page(rows, request.GET.get("page"), QUEUE_PAGE_SIZE, user=user, count=count)
        if filters["state"] == Report.State.SUBMITTED and filters["unit"] is None and filters["category"] is None:
            # The queue as it opens is what the 待审核 badge counts: it is not counted again.
            selectors.counted_waiting(user, page.paginator.count)
        # The review page carries the unit/category filters, so "next" stays in this queue.
        carry = {name: filters[name].pk for name in ("unit", "category") if filters[name] is not None}
    else:
        status = 400
    return render(
        request,
        "assessments/review_queue.html",
        {
            "form": form,
            "page": page,
            "carry": urlencode(carry),
            "query": _without_page(request.GET),
            "units_listed": listed is not None,
        },
        status=status,
    )


def _without_page(query) -> str:
    query = query.copy()
    query.pop("page", None)
    return query.urlencode()


def report_url(pk: int, filters: dict) -> str:
    url = reverse("assessments:report", args=[pk])
    return f"{url}?{urlencode(filters)}" if filters else url


def queue_url(filters: dict) -> str:
    url = reverse("assessments:review_queue")
    return f"{url}?{urlencode(filters)}" if filters else url


def reviewed_message(report: Report, action: str, actor) -> str:
    people = told_about(report, action, actor)
    values = {"unit": report.unit.label, "names": names_of(people)}
    if action == "return":
        if people:
            return _("Returned; %(unit)s (%(names)s) has been notified.") % values
        return _("Returned to %(unit)s.") % values
    values["grade"] = Grade(report.grade).label
    if people:
        return _("Approved as “%(grade)s”; %(unit)s (%(names)s) has been notified.") % values
    return _("Approved as “%(grade)s”.") % values


@login_required
@require_POST
def report_review(request, pk):
    """Approve with a grade or return with a comment, then on to the next in the queue."""
    report = permissions.get_report_for(request.user, pk, action="review")
    filters = queue_filters(request.POST)
    action = request.POST.get("action")
    try:
        if action == "approve":
            form = ApproveForm(request.POST, prefix="approve")
            if not form.is_valid():
                return render_report(request, report, status=400, approve_form=form)
            done = services.approve_report(
                report_id=report.pk,
                actor=request.user,
                grade=form.cleaned_data["grade"],
                comment=form.cleaned_data["comment"],
                province_id=report.province_id,  # locked on its shard (docs/scale.md 5)
            )
        elif action == "return":
            form = ReturnForm(request.POST, prefix="return")
            if not form.is_valid():
                return render_report(request, report, status=400, return_form=form)
            done = services.return_report(
                report_id=report.pk,
                actor=request.user,
                comment=form.cleaned_data["comment"],
                province_id=report.province_id,
            )
        else:
            messages.error(request, _("Choose whether to approve or to return the report."))
            return render_report(request, report, status=400)
    except services.TransitionError as error:
        # Another reviewer got there first (or the secretary took it back): say so plainly.
        messages.error(request, str(error))
        return redirect(report_url(report.pk, filters))
    messages.success(request, reviewed_message(done, action, request.user))
    following = selectors.next_in_queue(request.user, after=done, **filters)
    if following is None:
        messages.info(request, _("Nothing else is waiting for your review."))
        return redirect(queue_url(filters))
    messages.info(request, _("Here is the next report waiting for your review."))
    return redirect(report_url(following, filters))


def _admin_step(request, pk, *, action: str, service, done_message: str):
    report = permissions.get_report_for(request.user, pk, action=action)
    form = ReasonForm(request.POST, prefix=action)
    if not form.is_valid():
        return render_report(request, report, status=400, **{f"{action}_form": form})
    try:
        done = service(
            report_id=report.pk, actor=request.user, reason=form.cleaned_data["reason"], province_id=report.province_id
        )
    except services.TransitionError as error:
        messages.error(request, str(error))
        return redirect("assessments:report", pk=report.pk)
    people = told_about(done, action, request.user)
    message = done_message % {"unit": done.unit.label}
    if people:
        message += " " + _("Notified: %(names)s.") % {"names": names_of(people)}
    messages.success(request, message)
    return redirect("assessments:report", pk=report.pk)


@login_required
@require_POST
def report_reopen(request, pk):
    """An admin reopens an approved report, with the reason kept in the history."""
    return _admin_step(
        request,
        pk,
        action="reopen",
        service=services.reopen_report,
        done_message=_("Reopened; %(unit)s can correct the report and submit it again."),
    )


@login_required
@require_POST
def report_waive(request, pk):
    """An admin waives the lock of an overdue report, with the reason kept in the history."""
    return _admin_step(
        request,
        pk,
        action="waive",
        service=services.waive_lock,
        done_message=_("Lock waived; %(unit)s may now submit the report."),
    )
