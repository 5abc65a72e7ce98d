"""整改 pages: the list, raising one (by hand or from a report, a finding or a notice), its
page with the unit's "done" and the raiser's verification."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from accounts import roles
from accounts.models import SecurityEvent
from accounts.security import record
from appraisals.models import Finding
from appraisals.permissions import get_appraisee_for, outside_provinces
from assessments.permissions import get_report_for
from core import provinces
from core.attachments import attachment_response
from core.forms import attempt
from core.steps import ItemSteps, item_page
from responsibilities import access
from responsibilities.models import Unit

from .. import permissions, selectors, services
from ..forms import RECTIFICATION_STATES, ListFilterForm, RectificationForm, ReportDoneForm, VerifyForm
from ..models import Attachment
from ..permissions import require


@login_required
def rectifications(request):
    """整改: open ones first, soonest deadline first, overdue in red; filters in the URL."""
    require(permissions.may_use_oversight(request.user))
    form = ListFilterForm(request.GET or None, states=RECTIFICATION_STATES, units=permissions.list_units(request.user))
    filters = form.cleaned_data if form.is_valid() else {}
    rows = selectors.filter_rectifications(
        permissions.rectifications_visible_to(request.user),
        state=filters.get("state") or "",
        unit=filters.get("unit"),
        overdue=bool(filters.get("overdue")),
    )
    return render(
        request,
        "oversight/rectifications.html",
        {
            "form": form,
            "rows": selectors.attach_days_left(selectors.posts_of(rows), timezone.localdate()),
            "can_raise": permissions.can_raise_any(request.user),
        },
    )


def _raisable_units(user):
    units = Unit.objects.filter(active=True).order_by("path")
    if roles.has_role(user, roles.ADMIN, roles.SUPERVISOR):
        return units
    return units.filter(access.liaison_q(user, ""))


def _raise(request, *, unit=None, report=None, finding=None, notice=None, initial=None):
    require(permissions.can_raise_any(request.user))
    if unit is not None:
        require(permissions.can_raise(request.user, unit))
    form = RectificationForm(
        request.POST or None,
        units=_raisable_units(request.user),
        fixed_unit=unit,
        initial=initial or {},
        linked=any(thing is not None for thing in (report, finding, notice)),
    )
    made = request.method == "POST" and attempt(
        form,
        # The form's fields (source, unit, post, problem, measure, deadline, duty) are the
        # service's arguments.
        lambda data: services.raise_rectification(
            actor=request.user, report=report, finding=finding, notice=notice, **data
        ),
    )
    if made:
        messages.success(
            request, _("The rectification was raised; %(unit)s has been told.") % {"unit": made.unit.label}
        )
        return redirect("oversight:rectification", made.pk)
    source = report or finding or notice
    return render(
        request,
        "oversight/rectification_new.html",
        {"form": form, "report": report, "finding": finding, "notice": notice, "source": source},
    )


@login_required
@require_http_methods(["GET", "POST"])
def rectification_new(request):
    return _raise(request)


@login_required
@require_http_methods(["GET", "POST"])
def raise_from_report(request, report_id):
    """From a (returned) report: the unit and post follow the report, the reviewer's comment
    is the problem to start from."""
    report = get_report_for(request.user, report_id)
    initial = {
        "problem": report.review_comment,
        "post": report.assignment.post_id,
        "duty": report.assignment.duty_id,
    }
    return _raise(request, unit=report.unit, report=report, initial=initial)


@login_required
@require_http_methods(["GET", "POST"])
def raise_from_finding(request, finding_id):
    finding = _finding(request.user, finding_id)
    appraisee = get_appraisee_for(request.user, finding.appraisee_id, action="view_result")
    initial = {"problem": finding.text, "post": appraisee.post_id}
    return _raise(request, unit=appraisee.unit, finding=finding, initial=initial)


def _finding(user, pk) -> Finding:
    """The finding a rectification is raised from, looked up within the provinces in which
    ``user`` may read (``access.find``: on Citus those shards only), its appraisee within its
    province. Only those who see everything raise one (``can_raise_any``); anyone else is
    refused whatever the finding — 404 or 403 as before: 404 where its appraised secretary
    is not one they may know of (``get_appraisee_for``), so for them a finding not found
    there is asked second through its appraisee's grant (``outside_provinces``: the same
    rows, named within the provinces), a refusal, never a page."""
    rows = Finding.objects.filter(provinces.joined("appraisee")).select_related("appraisee")
    refused = None if permissions.can_raise_any(user) else outside_provinces(user, "appraisee__")
    return access.find_or_404(user, rows, pk, also=refused)


@login_required
@require_http_methods(["GET", "POST"])
def raise_from_notice(request, notice_id):
    notice = permissions.get_notice_for(request.user, notice_id)
    return _raise(request, unit=notice.unit, notice=notice, initial={"problem": notice.body})


def _detail(request, r, *, done_form=None, verify_form=None, status=200):
    user = request.user
    return item_page(
        request,
        "oversight/rectification.html",
        r,
        status=status,
        r=r,
        # Read by the key alone, which may cross provinces: within the reader's and its own.
        notices=r.notices.filter(permissions.linked_within(user, r)),
        done_form=done_form or (ReportDoneForm() if permissions.can_report_done(user, r) else None),
        verify_form=verify_form or (VerifyForm() if permissions.can_verify(user, r) else None),
        judge_note=permissions.verify_note(user, r),
        can_issue=permissions.can_issue(user),
    )


STEPS = ItemSteps(
    fetch=permissions.get_rectification_for, key="rectification_id", page=_detail, url="oversight:rectification"
)


@login_required
def rectification(request, pk):
    return _detail(request, permissions.get_rectification_for(request.user, pk))


report_done = STEPS.answer_view(
    ReportDoneForm,
    services.report_rectification_done,
    done=lambda r: _("Reported done; %(name)s has been told to verify.") % {"name": r.raised_by.display_name},
    text="completion",
    action="report_done",
    form_key="done_form",
)
# 销号 or send back (with a new deadline), by the one who raised it.
verify = STEPS.settle_view(
    VerifyForm,
    again=(services.send_back_rectification, gettext_lazy("Sent back; %(unit)s has been told.")),
    close=(services.verify_rectification, gettext_lazy("Verified and closed; %(unit)s has been told.")),
    again_action="send_back",
    action="verify",
    form_key="verify_form",
)


@login_required
def attachment(request, pk):
    """A file of a rectification or a notice, for whoever may see its owner. The URL names
    no province: the file is looked up within the provinces in which the person may read
    (``access.find``, as a report's file; a file of a notice they issued second, by id
    alone), then its owner as its page does."""
    found = access.find_or_404(request.user, Attachment.objects.all(), pk)
    if found.rectification_id:
        permissions.get_rectification_for(request.user, found.rectification_id)
    else:
        permissions.get_notice_for(request.user, found.notice_id)
    # Files of 督办 and 整改 (the 纪检监察组's among them) are opened on the record.
    record(SecurityEvent.Kind.FILE_OPENED, user=request.user, request=request, detail=f"oversight {found.pk}")
    return attachment_response(found)
