"""交办 pages: the list (and the dashboard's drill-down), handing a task on from a meeting's
decision or on its own, and the task's page with the feedback and the admin's close or
return. Fetch-and-authorize through ``tasking`` (404 out of scope, 403 for an action
that is not theirs), one service call, a message that says what happened."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.shortcuts import render as render_page
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from accounts.models import SecurityEvent
from accounts.security import record
from core.attachments import attachment_response
from core.forms import attempt
from core.permissions import pk_or_404
from core.steps import ItemSteps, item_page
from responsibilities import access

from .. import tasking
from ..forms import TaskFilterForm, TaskForm, TaskReplyForm, TaskSettleForm
from ..models import Decision, TaskFile


@login_required
def task_list(request):
    """交办任务: the tasks of the units one sees, soonest deadline first; filters in the URL
    (``?state=open|overdue|closed&unit=``) are the dashboard panel's drill-down."""
    if not tasking.may_use(request.user):
        raise PermissionDenied
    form = TaskFilterForm(request.GET or None, units=access.visible_units(request.user).filter(active=True))
    filters = form.cleaned_data if form.is_valid() else {}
    rows = tasking.filter_tasks(
        tasking.visible_to(request.user), state=filters.get("state") or "", unit=filters.get("unit")
    )
    return render_page(
        request,
        "assessments/tasks.html",
        {"form": form, "rows": list(rows[:500]), "can_issue": tasking.may_issue(request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def task_new(request):
    """Hand a task on (交办); ``?decision=`` ties it to a meeting's decision."""
    if not tasking.may_issue(request.user):
        raise PermissionDenied
    decision = None
    initial = {}
    if request.GET.get("decision"):
        decision = get_object_or_404(
            Decision.objects.select_related("meeting__unit", "meeting__period"), pk=pk_or_404(request.GET["decision"])
        )
        initial = {"subject": decision.text[:200], "body": decision.text}
    form = TaskForm(request.POST or None, initial=initial)
    task = request.method == "POST" and attempt(
        form, lambda data: tasking.issue_task(actor=request.user, decision=decision, **data)
    )
    if task:
        messages.success(request, _("The task was handed to %(unit)s; it has been told.") % {"unit": task.unit.label})
        return redirect("assessments:task", task.pk)
    status = 400 if request.method == "POST" else 200
    return render_page(request, "assessments/task_new.html", {"form": form, "decision": decision}, status=status)


def _detail(request, task, *, reply_form=None, settle_form=None, status=200):
    user = request.user
    return item_page(
        request,
        "assessments/task.html",
        task,
        status=status,
        task=task,
        reply_form=reply_form or (TaskReplyForm() if tasking.can_reply(user, task) else None),
        settle_form=settle_form or (TaskSettleForm() if tasking.can_settle(user, task) else None),
        judge_note=tasking.settle_note(user, task),
    )


STEPS = ItemSteps(fetch=tasking.get_task_for, key="task_id", page=_detail, url="assessments:task")


@login_required
def task(request, pk):
    return _detail(request, tasking.get_task_for(request.user, pk))


task_reply = STEPS.answer_view(
    TaskReplyForm,
    tasking.reply_to_task,
    done=lambda task: _("Feedback sent; %(name)s has been told.") % {"name": task.issued_by.display_name},
)
# Close the task, or return the feedback with a comment (and a new deadline).
task_settle = STEPS.settle_view(
    TaskSettleForm,
    again=(tasking.return_task, gettext_lazy("The feedback was returned; %(unit)s has been told.")),
    close=(tasking.close_task, gettext_lazy("The task is closed.")),
    again_action="return",
)


@login_required
def task_file(request, pk):
    """A feedback file, for whoever may see its task."""
    # Looked up within the reader's provinces (the URL names none: docs/scale.md 5), then
    # its task as the task's page does: 404 for a file of a task they may not see.
    found = access.find_or_404(request.user, TaskFile.objects.all(), pk)
    tasking.get_task_for(request.user, found.task_id)
    record(SecurityEvent.Kind.FILE_OPENED, user=request.user, request=request, detail=f"task file {found.pk}")
    return attachment_response(found)
