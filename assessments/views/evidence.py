from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.models import SecurityEvent
from accounts.security import record
from core.forms import attempt

from .. import permissions, services
from ..forms import EvidenceForm
from .report import render_report, report_context


def evidence_section(request, report, *, status=200, notice="", failed=False, evidence_form=None):
    """The part htmx swaps after an upload or removal: the list, the form and (out of
    band) the history, so the page stays true without a reload."""
    context = report_context(request, report, evidence_form=evidence_form)
    context.update(notice=notice, notice_failed=failed)
    return render(request, "assessments/includes/evidence_swap.html", context, status=status)


def done(request, report, notice: str):
    """After a change to the evidence: the swapped section for htmx, else the page again
    with the notice on top."""
    if request.htmx:
        return evidence_section(request, report, notice=notice)
    messages.success(request, notice)
    return redirect("assessments:report", pk=report.pk)


@login_required
@require_POST
def evidence_add(request, pk):
    """Attach a file. A refused file says why and changes nothing (DESIGN.md, Targets)."""
    report = permissions.get_report_for(request.user, pk, action="file")
    form = EvidenceForm(request.POST, request.FILES)
    evidence = attempt(
        form,
        lambda data: services.add_evidence(
            report_id=report.pk,
            actor=request.user,
            upload=data["file"],
            description=data["description"],
            work_date=data["work_date"],
            marking=data.get("marking", ""),
            province_id=report.province_id,  # locked on its shard (docs/scale.md 5)
        ),
        upload_field="file",
    )
    if evidence is None:
        report.refresh_from_db(fields=["state"])
        # 422 so htmx swaps the form back with its errors (see the htmx-config meta tag).
        if request.htmx:
            return evidence_section(request, report, status=422, evidence_form=form)
        return render_report(request, report, status=400, evidence_form=form)
    return done(request, report, _("Attached “%(name)s”.") % {"name": evidence.original_name})


@login_required
@require_POST
def evidence_remove(request, pk):
    """Take a file off a draft or returned report; the removal stays in the history."""
    evidence = permissions.get_evidence_for(request.user, pk, action="file")
    report = evidence.report
    try:
        services.remove_evidence(evidence_id=evidence.pk, actor=request.user, province_id=evidence.province_id)
    except services.TransitionError as error:
        if request.htmx:
            report.refresh_from_db(fields=["state"])
            return evidence_section(request, report, status=422, notice=str(error), failed=True)
        messages.error(request, str(error))
        return redirect("assessments:report", pk=report.pk)
    notice = _("Removed “%(name)s”; the removal is kept in the history.") % {"name": evidence.original_name}
    return done(request, report, notice)


@login_required
@require_GET
def evidence_download(request, pk):
    """Serve a file only to those who may see its report, always as a download under the
    name it was uploaded with: never a public path, never rendered in the browser."""
    evidence = permissions.get_evidence_for(request.user, pk, action="download")
    try:
        handle = evidence.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=evidence.original_name, content_type=evidence.content_type
    )
    response["Cache-Control"] = "private, no-store"
    record(SecurityEvent.Kind.FILE_OPENED, user=request.user, request=request, detail=f"evidence {evidence.pk}")
    return response
