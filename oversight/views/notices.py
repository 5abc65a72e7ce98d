"""督办 pages: the list, issuing a notice, its page with the unit's reply and the issuer's
close or press-again."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from assessments.permissions import get_report_for
from core import steps
from core.forms import attempt
from core.steps import item_page

from .. import permissions, selectors, services
from ..forms import NOTICE_STATES, ListFilterForm, NoticeForm, ReplyForm, SettleForm
from ..models import SupervisionNotice
from ..permissions import require

Matter = SupervisionNotice.Matter


@login_required
def notices(request):
    """督办: for leadership every notice, for a unit its own, awaiting a reply first."""
    require(permissions.may_use_oversight(request.user))
    form = ListFilterForm(request.GET or None, states=NOTICE_STATES, units=permissions.list_units(request.user))
    filters = form.cleaned_data if form.is_valid() else {}
    rows = selectors.filter_notices(
        permissions.notices_visible_to(request.user),
        state=filters.get("state") or "",
        unit=filters.get("unit"),
        overdue=bool(filters.get("overdue")),
    )
    return render(
        request,
        "oversight/notices.html",
        {
            "form": form,
            "rows": selectors.attach_days_left(list(rows), timezone.localdate()),
            "can_issue": permissions.can_issue(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def notice_new(request):
    """Issue a notice; ``?report=`` or ``?rectification=`` ties it to one (and its unit)."""
    require(permissions.can_issue(request.user))
    report = rectification = None
    initial = {}
    if request.GET.get("report"):
        report = get_report_for(request.user, request.GET["report"])
        initial = {
            "matter": Matter.WEAK_REPORT,
            "subject": f"{report.assignment.duty.code} {report.assignment.duty.title}",
        }
    elif request.GET.get("rectification"):
        rectification = permissions.get_rectification_for(request.user, request.GET["rectification"])
        initial = {"matter": Matter.RECTIFICATION, "subject": rectification.problem[:200]}
    fixed = report.unit if report else rectification.unit if rectification else None
    form = NoticeForm(request.POST or None, fixed_unit=fixed, initial=initial)
    notice = request.method == "POST" and attempt(
        form,
        # The form's fields (unit, matter, subject, body, deadline) are the service's arguments.
        lambda data: services.issue_notice(actor=request.user, report=report, rectification=rectification, **data),
    )
    if notice:
        messages.success(
            request,
            _("%(label)s was issued; %(unit)s has been told.") % {"label": notice.label, "unit": notice.unit.label},
        )
        return redirect("oversight:notice", notice.pk)
    return render(
        request, "oversight/notice_new.html", {"form": form, "report": report, "rectification": rectification}
    )


def _detail(request, n, *, reply_form=None, settle_form=None, status=200):
    user = request.user
    return item_page(
        request,
        "oversight/notice.html",
        n,
        status=status,
        n=n,
        # Read by the key alone, which may cross provinces: within the reader's and its own.
        rectifications=n.rectifications.filter(permissions.linked_within(user, n)),
        reply_form=reply_form or (ReplyForm() if permissions.can_reply(user, n) else None),
        settle_form=settle_form or (SettleForm() if permissions.can_settle(user, n) else None),
        judge_note=permissions.settle_note(user, n),
        can_raise=permissions.can_raise(user, n.unit),
    )


STEPS = steps.ItemSteps(fetch=permissions.get_notice_for, key="notice_id", page=_detail, url="oversight:notice")


@login_required
def notice(request, pk):
    return _detail(request, permissions.get_notice_for(request.user, pk))


reply = STEPS.answer_view(
    ReplyForm,
    services.reply_to_notice,
    done=lambda n: _("Replied; %(name)s has been told.") % {"name": n.issued_by.display_name},
)
# Close the notice, or press again with a new deadline.
settle = STEPS.settle_view(
    SettleForm,
    again=(services.press_notice, gettext_lazy("Pressed again; %(unit)s has been told.")),
    close=(services.close_notice, gettext_lazy("The notice is closed; %(unit)s has been told.")),
    again_action="press",
)
