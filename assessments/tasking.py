"""交办: the tasks a 党组会议's decisions (or the admin, on its own) hand to a unit or a post,
with a deadline and a required reply (回执 / 办理情况反馈, with files).

Life: issued ──reply──▶ replied ──close──▶ closed, and replied ──return──▶ issued (with the
admin's comment). Each step goes through ``core.transitions`` (row lock, expected state,
event) and is kept as a ``TaskEvent``, which the audit chain hashes like every event.

Who (DESIGN.md, "Who may do what"; all scope answers from ``responsibilities.access``):
- see: whoever's scope covers the task's unit (out of scope: 404);
- issue, close, return: admins — never on a unit in which they hold a post, nor on a
  reply they wrote (``access.may_judge``);
- reply: for a post's task the post's holder, for a unit's task the unit's post holders
  (``access.may_answer``).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import roles
from core import issued, links, provinces
from core.attachments import fill_all
from core.errors import TransitionError
from core.transitions import Transitions, deadline_from_today, require, required_text
from notifications.services import notify
from responsibilities import access, selectors
from responsibilities.models import Post, Unit

from .models import Decision, Period, Task, TaskEvent, TaskFile

Action = TaskEvent.Action
State = Task.State

machine = Transitions(
    Task,
    events=TaskEvent,
    owner=lambda task: {"task": task},
    related=("unit", "post__holder", "issued_by", "replied_by"),
    message=_("This task is now “%(state)s”; the action was not taken. Reload the page."),
)


# ---------------------------------------------------------------------------------------
# Who


def visible_to(user, qs: QuerySet | None = None) -> QuerySet:
    return access.visible(user, Task.objects.all() if qs is None else qs)


def may_use(user) -> bool:
    """The task list is for leadership and for anyone holding a post (their units' tasks)."""
    return access.may_see_anything(user)


def may_issue(user) -> bool:
    return roles.is_admin(user)


def may_reply(user, task: Task) -> bool:
    return access.may_answer(user, unit_id=task.unit_id, post_id=task.post_id)


def can_reply(user, task: Task) -> bool:
    return may_reply(user, task) and task.state == State.ISSUED


def may_settle(user, task: Task) -> bool:
    """Close or return: an admin, not on their own unit's task nor on a reply they wrote."""
    return roles.is_admin(user) and access.may_judge(user, unit_id=task.unit_id, submitted_by_id=task.replied_by_id)


def can_settle(user, task: Task) -> bool:
    return may_settle(user, task) and task.state == State.REPLIED


def settle_note(user, task: Task) -> str:
    if not roles.is_admin(user) or task.state != State.REPLIED:
        return ""
    return access.judge_refusal(user, unit=task.unit, submitted_by_id=task.replied_by_id)


ACTIONS = {"view": lambda user, task: True, "reply": may_reply, "settle": may_settle}


def get_task_for(user, pk, *, action: str = "view") -> Task:
    """Fetch and authorize in one step: 404 when unseen, 403 when the action is not theirs.

    The URL names no province: the task is looked up within the provinces in which the
    person may read (``access.find``: on Citus those shards only), as a report is; what it
    sees is what the task list shows (``visible_to``). Its post, and its decision's meeting,
    are joined within their province in the outer join's ``ON`` (``core.provinces.outer``);
    the decision itself may lie in another (``core.province_keys.CROSSING``)."""
    rows = (
        visible_to(user)
        .annotate(post_here=provinces.outer("post"))
        .annotate(decision_meeting=provinces.outer("decision__meeting", via="decision"))
        .select_related("unit", "post_here__holder", "issued_by", "replied_by", "decision", "decision_meeting")
        .select_related("period")
    )
    found = access.find_or_404(user, rows, pk)
    found = provinces.outer_rows([found], post_here="post", decision_meeting="decision__meeting")[0]
    if not ACTIONS[action](user, found):
        raise PermissionDenied(settle_note(user, found) if action == "settle" else "")
    return found


def task_links_open(user, targets: list[dict]) -> list[bool]:
    return links.pks_in(visible_to(user), targets)


def responsible_people(task: Task) -> list:
    return selectors.responsible_people(task.unit, task.post)


# ---------------------------------------------------------------------------------------
# Reading


def filter_tasks(qs: QuerySet, *, state: str = "", unit: Unit | None = None, today: datetime.date | None = None):
    """The list's filters: ``open`` (issued or replied), ``overdue`` (awaiting feedback past
    the deadline), ``closed``, or one state; ``unit`` and its subtree."""
    today = today or timezone.localdate()
    if state == "open":
        qs = qs.filter(state__in=Task.OPEN_STATES)
    elif state == "overdue":
        qs = qs.filter(state=State.ISSUED, deadline__lt=today)
    elif state in State.values:
        qs = qs.filter(state=state)
    if unit is not None:
        qs = qs.filter(access.in_subtree(unit))
    return qs.select_related("unit", "post__holder").order_by("deadline", "pk")


def counts(qs: QuerySet, today: datetime.date | None = None) -> dict:
    """Open, overdue and closed tasks of ``qs``, in one query (the dashboard's panel)."""

    today = today or timezone.localdate()
    return qs.aggregate(
        open=Count("pk", filter=Q(state__in=Task.OPEN_STATES)),
        overdue=Count("pk", filter=Q(state=State.ISSUED, deadline__lt=today)),
        closed=Count("pk", filter=Q(state=State.CLOSED)),
    )


def open_for(user) -> list[Task]:
    """The tasks awaiting ``user``'s feedback (我的责任): to a post they carry, or to a unit
    in which they hold a post. One query."""
    held = access.held_unit_ids(user)
    carried = access.carried_post_ids(user)
    if not held and not carried:
        return []
    mine = Q(post_id__in=sorted(carried)) | Q(post__isnull=True, unit_id__in=sorted(held))
    tasks = Task.objects.filter(mine, province__in=access.province_ids(user), state=State.ISSUED)
    return list(tasks.select_related("unit").order_by("deadline", "pk"))


# ---------------------------------------------------------------------------------------
# Steps


def _tell(task: Task, recipients, *, actor, template: str, **context) -> None:
    others = [p for p in recipients if p is not None and p.pk != actor.pk]
    url = reverse("assessments:task", args=[task.pk])
    notify(
        recipients=others,
        kind=template,
        template=template,
        context={**context, "task": task, "unit": task.unit},
        url=url,
    )


def scoring_period() -> Period | None:
    """The period a new task counts in: the open one (the latest, if several); a task from
    the meeting that heard a closed half-year counts in the half that is running."""
    return Period.objects.filter(state=Period.State.OPEN).order_by("-year", "-half").first()


@transaction.atomic
def issue_task(
    *,
    actor,
    unit: Unit,
    subject: str,
    body: str,
    deadline: datetime.date,
    post: Post | None = None,
    decision: Decision | None = None,
) -> Task:
    """Hand a task (交办) to ``unit``, or to one of its posts; the people who answer for it
    and the unit's liaison leader are told."""
    require(may_issue(actor))
    subject = required_text(subject, _("Give the task a subject."))
    body = required_text(body, _("Say what must be done."))
    deadline_from_today(deadline, _("Give a deadline from today on."))
    if not unit.active:
        raise TransitionError(_("Choose an active unit."))
    if post is not None and (post.unit_id != unit.pk or not post.active):
        raise TransitionError(_("The post must be an active post of the responsible unit."))
    if not access.may_judge(actor, unit_id=unit.pk):
        raise TransitionError(access.judge_refusal(actor, unit=unit))
    task = Task.objects.create(
        decision=decision,
        unit=unit,
        post=post,
        period=scoring_period() or (decision.meeting.period if decision is not None else None),
        subject=subject[:200],
        body=body,
        deadline=deadline,
        issued_by=actor,
    )
    machine.record(task, actor=actor, action=Action.ISSUE)
    _tell(task, [*responsible_people(task), unit.liaison], actor=actor, template="task_issued")
    return task


@transaction.atomic
def reply_to_task(*, task_id: int, actor, reply: str, uploads: Iterable = (), province_id: int | None = None) -> Task:
    """Awaiting feedback → feedback given, with text and at least one file (the 回执); a
    reply after the deadline is marked late, and stays so."""

    def late(task):
        task.late = task.late or timezone.localdate() > task.deadline
        return ["late"]

    return issued.answer(
        machine, task_id, actor=actor, may=may_reply, expect=(State.ISSUED,), to=State.REPLIED, action=Action.REPLY,
        text=reply, empty=_("Write the feedback."),
        attach=lambda task: fill_all(lambda: TaskFile(task=task), uploads, actor=actor),
        files_needed=_("Attach at least one file: the feedback needs its receipt."), also=late,
        tell=lambda task, _text: _tell(task, [task.issued_by], actor=actor, template="task_replied"),
        province=province_id,
    )  # fmt: skip


@transaction.atomic
def close_task(*, task_id: int, actor, comment: str = "", province_id: int | None = None) -> Task:
    """Feedback given → closed (办结) by an admin."""
    return issued.close(
        machine, task_id, actor=actor, comment=comment, may=may_settle, expect=(State.REPLIED,), to=State.CLOSED,
        action=Action.CLOSE,
        tell=lambda task, _text: _tell(task, responsible_people(task), actor=actor, template="task_closed"),
        province=province_id,
    )  # fmt: skip


@transaction.atomic
def return_task(
    *, task_id: int, actor, comment: str, deadline: datetime.date | None = None, province_id: int | None = None
) -> Task:
    """Feedback given → awaiting feedback again, with the admin's reason (required) and, if
    given, a new deadline."""
    return issued.send_back(
        machine, task_id, actor=actor, comment=comment, why=_("Say why the feedback is returned."),
        deadline=deadline, may=may_settle, expect=(State.REPLIED,), to=State.ISSUED, action=Action.RETURN,
        tell=lambda task, text: _tell(
            task, responsible_people(task), actor=actor, template="task_returned", comment=text
        ),
        province=province_id,
    )  # fmt: skip
