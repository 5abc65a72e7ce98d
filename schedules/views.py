"""考核周期: an admin's periods page — create with default dates, edit dates, and run a job
now (open, remind, recompute scores), each queued as a task whose progress the page polls."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from assessments import services as assessment_services
from assessments.models import Half, Period
from core.errors import TransitionError

from . import runs, services
from .forms import PeriodCreateForm, PeriodDatesForm
from .models import Job, JobRun
from .permissions import can_manage_periods, require

RECENT_RUNS = 8


def _next_half() -> dict:
    today = timezone.localdate()
    return {"year": today.year, "half": Half.FIRST if today.month < 7 else Half.SECOND}


@login_required
@require_http_methods(["GET", "POST"])
def periods(request):
    require(can_manage_periods(request.user))
    form = PeriodCreateForm(request.POST or None, initial=_next_half())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            # The form's fields are the service's arguments (year, half and the dates).
            period = services.create_period(actor=request.user, **data)
        except services.PeriodError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("%(period)s was created; it opens on its open date.") % {"period": period})
            return redirect("schedules:periods")
    rows = Period.objects.annotate(report_count=Count("reports")).order_by("-year", "-half")
    recent = JobRun.objects.select_related("period", "requested_by")[:RECENT_RUNS]
    return render(request, "schedules/periods.html", {"periods": rows, "form": form, "runs": recent})


@login_required
@require_http_methods(["GET", "POST"])
def period_edit(request, pk):
    require(can_manage_periods(request.user))
    period = get_object_or_404(Period, pk=pk)
    if period.state == Period.State.CLOSED:
        messages.error(request, _("A closed period's dates cannot be changed."))
        return redirect("schedules:periods")
    form = PeriodDatesForm(request.POST or None, instance=period)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_period(actor=request.user, period_id=period.pk, **form.cleaned_data)
        except services.PeriodError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The dates of %(period)s were saved.") % {"period": period})
        return redirect("schedules:periods")
    return render(request, "schedules/period_edit.html", {"period": period, "form": form})


ACTIONS = {
    "open": (
        Job.OPEN_PERIOD,
        (Period.State.SCHEDULED,),
        gettext_lazy("Opening %(period)s now; the progress is shown below."),
    ),
    "remind": (
        Job.REMIND_NOW,
        (Period.State.OPEN,),
        gettext_lazy("Reminders are being sent now; the progress is shown below."),
    ),
    "recompute": (
        Job.RECOMPUTE_SCORES,
        (Period.State.OPEN,),  # a closed period's scores are frozen (DESIGN.md, "Report life")
        gettext_lazy("The scores of %(period)s are being recomputed; the progress is shown below."),
    ),
}


@login_required
@require_POST
def period_action(request, pk):
    require(can_manage_periods(request.user))
    period = get_object_or_404(Period, pk=pk)
    if request.POST.get("action") == "reopen":
        return _reopen(request, period)
    action = ACTIONS.get(request.POST.get("action", ""))
    if action is None:
        messages.error(request, _("Unknown action."))
        return redirect("schedules:periods")
    job, states, said = action
    if period.state not in states:
        messages.error(
            request, _("This cannot be done while the period is “%(state)s”.") % {"state": period.get_state_display()}
        )
        return redirect("schedules:periods")
    # Reminders go to every open period's items, so that run is not tied to this row's period.
    runs.request_run(job=job, actor=request.user, period=None if job == Job.REMIND_NOW else period)
    messages.success(request, str(said) % {"period": period})
    return redirect("schedules:periods")


def _reopen(request, period):
    """An admin reopens a closed period with a reason; it closes again, with its scores
    computed afresh, on the first nightly run after its review-due date."""
    try:
        assessment_services.reopen_period(
            period_id=period.pk, actor=request.user, reason=request.POST.get("reason", "")
        )
    except TransitionError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("%(period)s was reopened; its scores are computed again when it closes.") % {"period": period},
        )
    return redirect("schedules:periods")


@login_required
def job_run(request, pk):
    """The progress of one run, as a fragment that htmx polls until the run finishes."""
    require(can_manage_periods(request.user))
    run = get_object_or_404(JobRun.objects.select_related("period", "requested_by"), pk=pk)
    return render(request, "schedules/_job_run.html", {"run": run})
