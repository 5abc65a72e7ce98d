from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from core.pagecache import cached_page
from responsibilities import access

from .. import drafting, permissions, selectors, services
from ..forms import ApproveForm, EvidenceForm, ReasonForm, ReportForm, ReturnForm
from ..models import Period, Report, UnitPlan
from ..notifications import told_about


def queue_filters(data) -> dict:
    """The queue's unit/category filters carried along the review pages (ids only; the
    queue itself limits them to what the reviewer may see)."""
    found = {}
    for name in ("unit", "category"):
        value = (data.get(name) or "").strip()
        if value.isdigit():
            found[name] = int(value)
    return found


def report_context(request, report: Report, **forms) -> dict:
    """Everything the report page shows; the forms given replace the blank ones, so a
    form that failed comes back as it was typed, with its errors."""
    user = request.user
    duty = report.assignment.duty
    # A closed period is frozen (DESIGN.md, "Report life"): no form is offered that the
    # closed-period guard (services.ensure_period_open) would refuse; a note says why.
    closed = report.period.state == Period.State.CLOSED
    can_file = permissions.can_file(user, report) and report.is_editable
    can_review = permissions.can_review(user, report)
    offered = {
        "review": can_review and report.state == Report.State.SUBMITTED,
        "reopen": permissions.can_reopen(user, report) and report.state == Report.State.APPROVED,
        "waive": permissions.can_waive(user, report) and report.state == Report.State.LOCKED,
    }
    filters = queue_filters(request.GET if request.method == "GET" else request.POST)
    # The report's rows are read within its province (docs/scale.md 5: one shard on Citus).
    province = report.province_id
    context = {
        "report": report,
        "duty": duty,
        "events": list(report.events.filter(province=province).select_related("actor")),
        "evidence": list(
            access.visible(
                user, report.evidence.filter(province=province, removed_at__isnull=True), "report__unit"
            ).select_related("uploaded_by")
        ),
        "can_file": can_file and not closed,
        "can_review": offered["review"] and not closed,
        "can_reopen": offered["reopen"] and not closed,
        "can_waive": offered["waive"] and not closed,
        "closed_note": closed_note(review=offered["review"], change=can_file or offered["reopen"] or offered["waive"])
        if closed
        else "",
        "can_see_unit": permissions.can_view_unit(user, report.unit),
        # A reviewer kept from judging their own unit's (or own) report is told why.
        "judge_note": permissions.judge_note(user, report),
        "queue_filters": filters,
        "period_param": selectors.period_param(report.period),
        # The work records behind the report (履责纪实), for the filer and the reviewers.
        "records": forms["records"] if "records" in forms else drafting.records_of(report),
    }
    if context["can_file"]:
        context["report_form"] = forms.get("report_form") or ReportForm(
            instance=report, duty=duty, plan=unit_plan(report)
        )
        context["evidence_form"] = forms.get("evidence_form") or EvidenceForm()
    if context["can_review"]:
        context["approve_form"] = forms.get("approve_form") or ApproveForm(prefix="approve")
        context["return_form"] = forms.get("return_form") or ReturnForm(prefix="return")
    if context["can_reopen"]:
        context["reopen_form"] = forms.get("reopen_form") or ReasonForm(prefix="reopen")
    if context["can_waive"]:
        context["waive_form"] = forms.get("waive_form") or ReasonForm(prefix="waive")
    if can_review:
        context["next_report_id"] = selectors.next_in_queue(user, after=report, **filters)
    return context


def closed_note(*, review: bool, change: bool) -> str:
    """What the page of a closed period's report tells whoever would otherwise have a form
    on it (a reviewer, the filer, an admin); "" for those who never had one."""
    if review:
        return _(
            "This period is closed: review is no longer possible. An administrator may reopen the period, "
            "with a reason, if a report must still be reviewed."
        )
    if change:
        return _(
            "This period is closed: this report can no longer be changed. An administrator may reopen the "
            "period, with a reason, if it must be corrected."
        )
    return ""


def unit_plan(report: Report):
    """The unit's plan for the next half when ``report`` is its last open one of the
    period (the form then asks for it), else None."""
    if not services.is_last_open(report):
        return None
    plans = UnitPlan.objects.filter(province=report.province_id, period=report.period_id, unit=report.unit_id)
    return plans.first() or ""


def render_report(request, report: Report, *, status: int = 200, **forms):
    return render(request, "assessments/report.html", report_context(request, report, **forms), status=status)


@login_required
@cached_page
def report_detail(request, pk):
    """The report page: the duty, the form, the evidence and the history (留痕)."""
    report = permissions.get_report_for(request.user, pk)
    records = drafting.records_of(report)
    fresh = report.state == Report.State.DRAFT and not report.content.strip()
    if (
        records
        and fresh
        and report.period.state != Period.State.CLOSED  # frozen: the guard would refuse the fill
        and permissions.can_file(request.user, report)
        and drafting.draft_from_records(
            report_id=report.pk, actor=request.user, records=records, province_id=report.province_id
        )
    ):
        # A fresh draft filled from the period's work records (issue 13): read it again.
        report = permissions.get_report_for(request.user, pk)
        messages.info(request, _("Drafted from this period's work records; check the text and the files, then submit."))
    return render_report(request, report, records=records)


def names_of(people) -> str:
    return pgettext("list separator", ", ").join(person.display_name for person in people)


def submitted_message(report: Report, actor) -> str:
    liaison = told_about(report, "submit", actor)
    if liaison:
        return _("Submitted; the liaison leader %(name)s has been notified.") % {"name": names_of(liaison)}
    return _("Submitted. The unit has no liaison leader yet; an administrator should name one.")


@login_required
@require_POST
def report_file(request, pk):
    """Save or submit what the secretary typed; the next page says what happened."""
    report = permissions.get_report_for(request.user, pk, action="file")
    form = ReportForm(request.POST, instance=report, duty=report.assignment.duty, plan=unit_plan(report))
    if not form.is_valid():
        return render_report(request, report, status=400, report_form=form)
    submit = request.POST.get("action") == "submit"
    # Only asked on the unit's last open report; a plan posted to any other is ignored.
    plan = form.cleaned_data.get("next_half_plan")
    try:
        if submit:
            done = services.submit_report(
                report_id=report.pk,
                actor=request.user,
                content=form.cleaned_data["content"],
                self_assessment=form.cleaned_data["self_assessment"],
                plan=plan,
                province_id=report.province_id,  # locked on its shard (docs/scale.md 5)
            )
        else:
            services.save_report(
                report_id=report.pk,
                actor=request.user,
                content=form.cleaned_data["content"],
                self_assessment=form.cleaned_data["self_assessment"],
                plan=plan,
                province_id=report.province_id,  # locked on its shard (docs/scale.md 5)
            )
    except services.TransitionError as error:
        # Keep what was typed: the person fixes it or reloads, nothing is lost.
        form.add_error(None, str(error))
        report.refresh_from_db()
        if not report.is_editable:
            # The form is no longer on the page (submitted from a stale page, locked):
            # the reason goes to the top of the page instead.
            messages.error(request, str(error))
        return render_report(request, report, status=400, report_form=form)
    if submit:
        messages.success(request, submitted_message(done, request.user))
    else:
        messages.success(request, _("Saved. Submit it when it is complete."))
    return redirect("assessments:report", pk=report.pk)
