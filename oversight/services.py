"""Every change to rectifications and supervision notices goes through these functions.

Each step is atomic: it locks the row, checks who acts (403) and the state it expects (a
plain message for whoever came second), writes the change with its event (留痕), and
tells the people concerned in the app and by e-mail (sent after commit).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.attachments import fill_all
from core.errors import TransitionError
from core.transitions import Transitions, deadline_from_today, require, required_text
from notifications.services import notify
from responsibilities.models import Post, PostKind
from responsibilities.selectors import responsible_people

from . import permissions
from .models import Attachment, Event, NoticeCounter, Rectification, SupervisionNotice

Action = Event.Action
RState = Rectification.State
NState = SupervisionNotice.State


_text = required_text
_future = deadline_from_today


def _owner(thing: Rectification | SupervisionNotice) -> dict:
    """The foreign key by which an event or a file belongs to ``thing``."""
    return {"rectification": thing} if isinstance(thing, Rectification) else {"notice": thing}


rectifications = Transitions(Rectification, events=Event, owner=_owner, related=("unit", "post__holder", "raised_by"))
notices = Transitions(SupervisionNotice, events=Event, owner=_owner, related=("unit", "issued_by"))


def _attach(thing, uploads: Iterable, actor) -> list[Attachment]:
    return fill_all(lambda: Attachment(**_owner(thing)), uploads, actor=actor)


def _tell(thing, recipients, *, actor, template: str, **context) -> None:
    """Tell ``recipients`` (not the actor) about ``thing``, linking to its page."""
    if isinstance(thing, Rectification):
        url, context["rectification"] = reverse("oversight:rectification", args=[thing.pk]), thing
    else:
        url, context["notice"] = reverse("oversight:notice", args=[thing.pk]), thing
    others = [person for person in recipients if person is not None and person.pk != actor.pk]
    notify(recipients=others, kind=template, template=template, context={**context, "unit": thing.unit}, url=url)


# ---------------------------------------------------------------------------------------
# 整改 Rectification


@transaction.atomic
def raise_rectification(
    *,
    actor,
    unit,
    problem: str,
    measure: str,
    deadline: datetime.date,
    post: Post | None = None,
    report=None,
    finding=None,
    notice=None,
    source: str = "",
    duty=None,
) -> Rectification:
    """Open a rectification on ``unit``. Its source follows from what it was raised on (a
    report, a finding, a notice); raised by hand, it is the ``source`` chosen (民主生活会,
    组织生活会, 巡察, 审计, or another). ``duty`` is the duty it concerns (by default the
    duty of the report it was raised on).

    Guarantees: the actor may raise for that unit, the post and the source belong to it,
    the deadline is not in the past; the unit's responsible person is told.
    """
    require(permissions.can_raise(actor, unit))
    problem = _text(problem, _("Describe the problem."))
    measure = _text(measure, _("Say what must be done to put it right."))
    _future(deadline, _("Give a deadline from today on."))
    if post is not None and post.unit_id != unit.pk:
        raise TransitionError(_("The post must belong to the responsible unit."))
    source = source or Rectification.Source.MANUAL
    if source not in Rectification.CHOSEN_SOURCES:
        raise TransitionError(_("Choose where the problem was found."))
    for value, thing, unit_id in (
        (Rectification.Source.REPORT, report, getattr(report, "unit_id", None)),
        (Rectification.Source.APPRAISAL, finding, getattr(getattr(finding, "appraisee", None), "unit_id", None)),
        (Rectification.Source.NOTICE, notice, getattr(notice, "unit_id", None)),
    ):
        if thing is not None:
            if unit_id != unit.pk:
                raise TransitionError(_("A rectification goes to the unit its source concerns."))
            source = value
    if duty is None and report is not None:
        duty = report.assignment.duty
    if post is None:
        post = Post.objects.filter(unit=unit, kind=PostKind.SECRETARY, active=True).select_related("holder").first()
    rectification = Rectification.objects.create(
        unit=unit,
        post=post,
        problem=problem,
        measure=measure,
        deadline=deadline,
        source=source,
        report=report,
        finding=finding,
        notice=notice,
        duty=duty,
        raised_by=actor,
    )
    rectifications.record(rectification, actor=actor, action=Action.RAISE)
    _tell(rectification, responsible_people(unit, post), actor=actor, template="rectification_raised")
    return rectification


@transaction.atomic
def report_rectification_done(*, rectification_id: int, actor, completion: str, uploads: Iterable = ()):
    """Open → reported done, with what was done and evidence (at least one file in all);
    the one who raised it is told to verify."""
    r = rectifications.lock(rectification_id)
    require(permissions.may_report_done(actor, r))
    rectifications.expect(r, RState.OPEN)
    completion = _text(completion, _("Say what was done."))
    files = _attach(r, uploads, actor)
    if not files and not r.attachments.exists():
        raise TransitionError(_("Attach at least one file as evidence that the problem was put right."))
    r.completion = completion
    r.reported_at = timezone.now()
    fields = ["completion", "reported_at"]
    rectifications.move(r, RState.REPORTED, actor=actor, action=Action.REPORT_DONE, comment=completion, fields=fields)
    _tell(r, [r.raised_by], actor=actor, template="rectification_reported")
    return r


@transaction.atomic
def verify_rectification(*, rectification_id: int, actor, comment: str = "") -> Rectification:
    """Reported done → verified and closed (销号) by the one who raised it (or an admin)."""
    r = rectifications.lock(rectification_id)
    require(permissions.may_verify(actor, r))
    rectifications.expect(r, RState.REPORTED)
    r.closed_at = timezone.now()
    comment = (comment or "").strip()
    rectifications.move(r, RState.CLOSED, actor=actor, action=Action.VERIFY, comment=comment, fields=["closed_at"])
    _tell(r, responsible_people(r.unit, r.post), actor=actor, template="rectification_closed")
    return r


@transaction.atomic
def send_back_rectification(
    *, rectification_id: int, actor, comment: str, deadline: datetime.date | None = None
) -> Rectification:
    """Reported done → back to being rectified, with the reason (required) and, if given, a
    new deadline."""
    comment = _text(comment, _("Say why it is sent back."))
    r = rectifications.lock(rectification_id)
    require(permissions.may_verify(actor, r))
    rectifications.expect(r, RState.REPORTED)
    if deadline is not None:
        r.deadline = _future(deadline, _("Give a deadline from today on."))
    rectifications.move(r, RState.OPEN, actor=actor, action=Action.SEND_BACK, comment=comment, fields=["deadline"])
    people = responsible_people(r.unit, r.post)
    _tell(r, people, actor=actor, template="rectification_sent_back", comment=comment)
    return r


# ---------------------------------------------------------------------------------------
# 督办 Supervision notices


def next_notice_number(year: int) -> int:
    """The next number of ``year`` (1, 2, 3…). Call inside a transaction: the counter row
    stays locked until it commits, so concurrent issuers queue and never share a number.
    """
    NoticeCounter.objects.get_or_create(year=year)
    counter = NoticeCounter.objects.select_for_update().get(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


@transaction.atomic
def issue_notice(
    *,
    actor,
    unit,
    subject: str,
    body: str,
    deadline: datetime.date,
    matter: str = SupervisionNotice.Matter.OTHER,
    report=None,
    rectification=None,
) -> SupervisionNotice:
    """Issue a numbered notice (督办〔year〕n号) to ``unit``; its secretary and its liaison
    leader are told. Numbers are per calendar year and never repeat (see
    ``next_notice_number``)."""
    require(permissions.can_issue(actor))
    subject = _text(subject, _("Give the notice a subject."))
    body = _text(body, _("Say what the unit must do."))
    _future(deadline, _("Give a deadline from today on."))
    if matter not in SupervisionNotice.Matter.values:
        raise TransitionError(_("Choose what the notice is about."))
    for thing in (report, rectification):
        if thing is not None and thing.unit_id != unit.pk:
            raise TransitionError(_("A notice goes to the unit its subject concerns."))
    year = timezone.localdate().year
    notice = SupervisionNotice.objects.create(
        year=year,
        number=next_notice_number(year),
        unit=unit,
        matter=matter,
        subject=subject,
        body=body,
        deadline=deadline,
        report=report,
        rectification=rectification,
        issued_by=actor,
    )
    notices.record(notice, actor=actor, action=Action.ISSUE)
    _tell(notice, [*responsible_people(unit), unit.liaison], actor=actor, template="notice_issued")
    return notice


@transaction.atomic
def reply_to_notice(*, notice_id: int, actor, reply: str, uploads: Iterable = ()) -> SupervisionNotice:
    """Awaiting reply → replied, by a post holder of the unit, with text and any files; the
    issuer is told."""
    n = notices.lock(notice_id)
    require(permissions.may_reply(actor, n))
    notices.expect(n, NState.ISSUED)
    n.reply = _text(reply, _("Write the reply."))
    _attach(n, uploads, actor)
    n.replied_by = actor
    n.replied_at = timezone.now()
    fields = ["reply", "replied_by", "replied_at"]
    notices.move(n, NState.REPLIED, actor=actor, action=Action.REPLY, comment=n.reply, fields=fields)
    _tell(n, [n.issued_by], actor=actor, template="notice_replied")
    return n


@transaction.atomic
def close_notice(*, notice_id: int, actor, comment: str = "") -> SupervisionNotice:
    """Replied (or still awaiting, when the matter resolved itself) → closed by the issuer."""
    n = notices.lock(notice_id)
    require(permissions.may_settle(actor, n))
    notices.expect(n, NState.ISSUED, NState.REPLIED)
    n.closed_at = timezone.now()
    comment = (comment or "").strip()
    notices.move(n, NState.CLOSED, actor=actor, action=Action.CLOSE, comment=comment, fields=["closed_at"])
    _tell(n, responsible_people(n.unit), actor=actor, template="notice_closed")
    return n


@transaction.atomic
def press_notice(*, notice_id: int, actor, comment: str, deadline: datetime.date) -> SupervisionNotice:
    """Press again (再次督办): back to awaiting a reply, with why and a new deadline; the unit
    and its liaison leader are told."""
    comment = _text(comment, _("Say why the notice is pressed again."))
    _future(deadline, _("Give a deadline from today on."))
    n = notices.lock(notice_id)
    require(permissions.may_settle(actor, n))
    notices.expect(n, NState.ISSUED, NState.REPLIED)
    n.deadline = deadline
    n.pressed += 1
    fields = ["deadline", "pressed"]
    notices.move(n, NState.ISSUED, actor=actor, action=Action.PRESS, comment=comment, fields=fields)
    people = [*responsible_people(n.unit), n.unit.liaison]
    _tell(n, people, actor=actor, template="notice_pressed", comment=comment)
    return n
