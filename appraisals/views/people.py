"""The secretary's and the rater's side: my 述职, the report, the ballot sheet, my result."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.attachments import attachment_response
from core.errors import TransitionError
from core.forms import attempt

from .. import permissions, selectors, services
from ..forms import EvidenceForm, FindingForm, RatingForm, ReportForm
from ..models import AppraisalRound
from ..permissions import require

State = AppraisalRound.State


@login_required
def my_appraisal(request):
    """述职: my report to write, the ballots I am asked to cast, my published results."""
    return render(request, "appraisals/my_appraisal.html", selectors.my_appraisal(request.user))


def _report_context(request, appraisee, form=None, evidence_form=None):
    return {
        "appraisee": appraisee,
        "round": appraisee.round,
        "form": form or ReportForm(initial={"report": appraisee.report, "answers": appraisee.answers}),
        "evidence_form": evidence_form or EvidenceForm(),
        "evidence": list(appraisee.evidence.select_related("uploaded_by")),
        "findings": services.previous_findings(appraisee),
        "can_edit": permissions.can_edit_report(request.user, appraisee),
        "can_see_round": permissions.sees_all_rounds(request.user),
    }


@login_required
@require_http_methods(["GET", "POST"])
def report(request, pk):
    """The 述职 report: written by the secretary, read by the raters and the leadership.
    Last year's findings stand beside the form; submitting needs an answer to them."""
    appraisee = permissions.get_appraisee_for(request.user, pk)
    form = None
    if request.method == "POST":
        require(permissions.can_edit_report(request.user, appraisee))
        form = ReportForm(request.POST)
        submit = request.POST.get("action") == "submit"
        if attempt(
            form,
            lambda data: services.save_report(
                appraisee_id=appraisee.pk, actor=request.user, submit=submit, province_id=appraisee.province_id, **data
            ),
        ):
            messages.success(
                request, _("Your report on duty was submitted.") if submit else _("Your report was saved.")
            )
            return redirect("appraisals:report", appraisee.pk)
    return render(request, "appraisals/report.html", _report_context(request, appraisee, form=form))


@login_required
@require_POST
def evidence_upload(request, pk):
    appraisee = permissions.get_appraisee_for(request.user, pk, action="edit_report")
    form = EvidenceForm(request.POST, request.FILES)
    added = attempt(
        form,
        lambda data: services.add_evidence(
            appraisee_id=appraisee.pk,
            actor=request.user,
            upload=data["file"],
            description=data["description"],
            province_id=appraisee.province_id,
        ),
        field="file",
    )
    if added:
        messages.success(request, _("The file was attached."))
        return redirect("appraisals:report", appraisee.pk)
    return render(
        request, "appraisals/report.html", _report_context(request, appraisee, evidence_form=form), status=400
    )


@login_required
def evidence_download(request, pk):
    return attachment_response(permissions.get_evidence_for(request.user, pk))


@login_required
@require_http_methods(["GET", "POST"])
def rate(request, pk):
    """The ballot sheet: every secretary of the round but oneself, a grade per criterion."""
    round = permissions.get_round_for(request.user, pk)
    require(permissions.is_rater(request.user, round))
    if round.state != State.OPEN:
        messages.error(request, _("This round is not open for rating."))
        return redirect("appraisals:my_appraisal")
    if services.has_voted(round_id=round.pk, user=request.user, province_id=round.province_id):
        return render(request, "appraisals/voted.html", {"round": round})
    appraisees = list(selectors.appraisees_of(round).exclude(person=request.user))
    form = RatingForm(
        request.POST or None,
        appraisees=appraisees,
        criteria=list(round.criteria.filter(province=round.province_id)),
        levels=list(round.levels.filter(province=round.province_id)),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.cast_ballots(
                round_id=round.pk,
                rater=request.user,
                marks=form.marks(),
                comments=form.comments(),
                province_id=round.province_id,
            )
        except TransitionError as error:
            messages.error(request, str(error))
            return redirect("appraisals:my_appraisal")
        done = _("Your ballots were cast anonymously.")
        if form.incomplete:
            done += " " + _("%(n)s of them are incomplete and will not count.") % {"n": len(form.incomplete)}
        messages.success(request, done)
        return redirect("appraisals:my_appraisal")
    return render(request, "appraisals/rate.html", {"round": round, "form": form})


@login_required
def result(request, pk):
    """One secretary's result: scores per criterion, overall, grade, rank, and the comments
    without their authors; for the admin and leaders, the findings form."""
    appraisee = permissions.get_appraisee_for(request.user, pk, action="view_result")
    outcome, criteria = selectors.result_of(appraisee)
    return render(
        request,
        "appraisals/result.html",
        {
            "appraisee": appraisee,
            "round": appraisee.round,
            "outcome": outcome,
            "criteria": criteria,
            "comments": selectors.comments_on(appraisee) if outcome and outcome.enough_ballots else [],
            "ranked": selectors.ranked_count(appraisee.round) if outcome and outcome.rank else None,
            "findings": list(appraisee.findings.select_related("raised_by")),
            "finding_form": FindingForm() if permissions.can_add_finding(request.user, appraisee) else None,
        },
    )


@login_required
@require_POST
def finding_add(request, pk):
    appraisee = permissions.get_appraisee_for(request.user, pk, action="add_finding")
    form = FindingForm(request.POST)
    if form.is_valid():
        services.add_finding(
            appraisee_id=appraisee.pk,
            actor=request.user,
            text=form.cleaned_data["text"],
            province_id=appraisee.province_id,
        )
        messages.success(
            request, _("The finding was recorded; %(name)s has been told.") % {"name": appraisee.person.display_name}
        )
    else:
        messages.error(request, _("Describe the problem found."))
    return redirect("appraisals:result", appraisee.pk)
