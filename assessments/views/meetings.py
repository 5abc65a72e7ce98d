"""党组会议: the admin records a meeting that 审议s the 党组's and its 书记's reports."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.errors import TransitionError
from core.forms import attempt

from .. import meetings
from ..forms import MeetingForm, OutsideReviewForm
from ..models import Meeting, OutsideReview


@login_required
@require_http_methods(["GET", "POST"])
def meeting_list(request):
    """The meetings recorded so far, and the form for the next one (admins only)."""
    if not meetings.may_record(request.user):
        raise PermissionDenied
    waiting = meetings.waiting_for_a_meeting()
    form = MeetingForm(request.POST or None, request.FILES or None, waiting=waiting)
    status = 200
    if request.method == "POST":
        meeting = attempt(
            form,
            lambda data: meetings.record_meeting(
                actor=request.user,
                unit=data["unit"],
                held_on=data["held_on"],
                attendees=data["attendees"],
                decisions=data["decisions"],
                minutes=data["minutes"],
                report_ids=[r.pk for r in data["reports"]],
                period=data["period"],
            ),
        )
        if meeting is not None:
            messages.success(
                request,
                _("Meeting recorded with %(d)d decisions; %(n)d reports are approved by its deliberation.")
                % {"d": meeting.decisions.count(), "n": meeting.reports.count()},
            )
            return redirect("assessments:meetings")
        status = 400
    recorded = (
        Meeting.objects.select_related("unit")
        .prefetch_related("reports__assignment__duty", "minutes", "decisions__tasks__unit")
        .select_related("period")[:20]
    )
    return render(
        request, "assessments/meetings.html", {"form": form, "meetings": recorded, "waiting": waiting}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def outside_reviews(request):
    """The 纪检监察组's reports as its superior body reviewed them (admins record them)."""
    if not meetings.may_record(request.user):
        raise PermissionDenied
    form = OutsideReviewForm(request.POST or None, reports=meetings.discipline_reports())
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                meetings.record_outside_review(actor=request.user, **form.cleaned_data)
            except TransitionError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("The outside review is recorded."))
                return redirect("assessments:outside_reviews")
        status = 400
    recorded = OutsideReview.objects.select_related("report__assignment__duty", "report__period")[:20]
    return render(request, "assessments/outside_reviews.html", {"form": form, "reviews": recorded}, status=status)
