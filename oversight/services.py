"""Every change to rectifications and supervision notices goes through these functions.

Each step is atomic: it locks the row, checks who acts (403) and the state it expects (a
plain message for whoever came second), writes the change with its event (留痕), and
tells the people concerned in the app and by e-mail (sent after commit).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.services import TransitionError
from core.attachments import check_upload, fill_attachment
from notifications.services import notify
from responsibilities.models import Post, PostKind

from . import permissions
from .models import Attachment, Event, NoticeCounter, Rectification, SupervisionNotice

Action = Event.Action
RState = Rectification.State
NState = SupervisionNotice.State


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _text(value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise TransitionError(message)
    return value


def _future(deadline, message: str) -> datetime.date:
    if not isinstance(deadline, datetime.date) or deadline < timezone.localdate():
        raise TransitionError(message)
    return deadline


def responsible_people(unit, post: Post | None = None) -> list:
    """Who answers for a unit's item: the holder of its post, else the unit's secretaries,
    else everyone holding a post there."""
    if post is not None and post.holder_id:
        return [post.holder]
    posts = list(Post.objects.filter(unit=unit, active=True, holder__isnull=False).select_related("holder"))
    secretaries = [p.holder for p in posts if p.kind == PostKind.SECRETARY]
    return secretaries or [p.holder for p in posts]


def _owner(thing: Rectification | SupervisionNotice) -> dict:
    """The foreign key by which an event or a file belongs to ``thing``."""
    return {"rectification": thing} if isinstance(thing, Rectification) else {"notice": thing}


def _attach(thing, uploads: Iterable, actor) -> list[Attachment]:
    """Store the files on ``thing``: all are checked before the first is written, so one bad
    file among several leaves nothing on disk (a rolled-back row would leave its file)."""
    checked = [(upload, check_upload(upload)) for upload in uploads]
    return [
        fill_attachment(Attachment(**_owner(thing)), upload=upload, actor=actor, checked=meta)
        for upload, meta in checked
    ]


def _event(thing, *, actor, action, before="", comment="") -> Event:
    return Event.objects.create(
        **_owner(thing), actor=actor, action=action, from_state=before, to_state=thing.state, comment=comment
    )


def _expect(thing, *states) -> None:
    if thing.state not in states:
        raise TransitionError(
            _("This %(thing)s is now “%(state)s”; the action was not taken. Reload the page.")
            % {"thing": thing._meta.verbose_name, "state": thing.get_state_display()}
        )


def _tell(recipients, *, actor, template: str, url: str, **context) -> None:
    others = [person for person in recipients if person is not None and person.pk != actor.pk]
    notify(recipients=others, kind=template, template=template, context=context, url=url)


# ---------------------------------------------------------------------------------------
# 整改 Rectification


def _locked_rectification(pk: int) -> Rectification:
    return (
        Rectification.objects.select_for_update(of=("self",))
        .select_related("unit", "post__holder", "raised_by")
        .get(pk=pk)
    )


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
) -> Rectification:
    """Open a rectification on ``unit`` (its source follows from what it was raised on).

    Guarantees: the actor may raise for that unit, the post and the source belong to it,
    the deadline is not in the past; the unit's responsible person is told.
    """
    _require(permissions.can_raise(actor, unit))
    problem = _text(problem, _("Describe the problem."))
    measure = _text(measure, _("Say what must be done to put it right."))
    _future(deadline, _("Give a deadline from today on."))
    if post is not None and post.unit_id != unit.pk:
        raise TransitionError(_("The post must belong to the responsible unit."))
    source = Rectification.Source.MANUAL
    for value, thing, unit_id in (
        (Rectification.Source.REPORT, report, getattr(report, "unit_id", None)),
        (Rectification.Source.APPRAISAL, finding, getattr(getattr(finding, "appraisee", None), "unit_id", None)),
        (Rectification.Source.NOTICE, notice, getattr(notice, "unit_id", None)),
    ):
        if thing is not None:
            if unit_id != unit.pk:
                raise TransitionError(_("A rectification goes to the unit its source concerns."))
            source = value
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
        raised_by=actor,
    )
    _event(rectification, actor=actor, action=Action.RAISE)
    _tell(
        responsible_people(unit, post),
        actor=actor,
        template="rectification_raised",
        url=reverse("oversight:rectification", args=[rectification.pk]),
        rectification=rectification,
        unit=unit,
    )
    return rectification


@transaction.atomic
def report_rectification_done(*, rectification_id: int, actor, completion: str, uploads: Iterable = ()):
    """Open → reported done, with what was done and evidence (at least one file in all);
    the one who raised it is told to verify."""
    r = _locked_rectification(rectification_id)
    _require(permissions.may_report_done(actor, r))
    _expect(r, RState.OPEN)
    completion = _text(completion, _("Say what was done."))
    files = _attach(r, uploads, actor)
    if not files and not r.attachments.exists():
        raise TransitionError(_("Attach at least one file as evidence that the problem was put right."))
    r.state = RState.REPORTED
    r.completion = completion
    r.reported_at = timezone.now()
    r.save(update_fields=["state", "completion", "reported_at"])
    _event(r, actor=actor, action=Action.REPORT_DONE, before=RState.OPEN, comment=completion)
    _tell(
        [r.raised_by],
        actor=actor,
        template="rectification_reported",
        url=reverse("oversight:rectification", args=[r.pk]),
        rectification=r,
        unit=r.unit,
    )
    return r


@transaction.atomic
def verify_rectification(*, rectification_id: int, actor, comment: str = "") -> Rectification:
    """Reported done → verified and closed (销号) by the one who raised it (or an admin)."""
    r = _locked_rectification(rectification_id)
    _require(permissions.may_verify(actor, r))
    _expect(r, RState.REPORTED)
    r.state = RState.CLOSED
    r.closed_at = timezone.now()
    r.save(update_fields=["state", "closed_at"])
    _event(r, actor=actor, action=Action.VERIFY, before=RState.REPORTED, comment=(comment or "").strip())
    _tell(
        responsible_people(r.unit, r.post),
        actor=actor,
        template="rectification_closed",
        url=reverse("oversight:rectification", args=[r.pk]),
        rectification=r,
        unit=r.unit,
    )
    return r


@transaction.atomic
def send_back_rectification(
    *, rectification_id: int, actor, comment: str, deadline: datetime.date | None = None
) -> Rectification:
    """Reported done → back to being rectified, with the reason (required) and, if given, a
    new deadline."""
    comment = _text(comment, _("Say why it is sent back."))
    r = _locked_rectification(rectification_id)
    _require(permissions.may_verify(actor, r))
    _expect(r, RState.REPORTED)
    if deadline is not None:
        r.deadline = _future(deadline, _("Give a deadline from today on."))
    r.state = RState.OPEN
    r.save(update_fields=["state", "deadline"])
    _event(r, actor=actor, action=Action.SEND_BACK, before=RState.REPORTED, comment=comment)
    _tell(
        responsible_people(r.unit, r.post),
        actor=actor,
        template="rectification_sent_back",
        url=reverse("oversight:rectification", args=[r.pk]),
        rectification=r,
        unit=r.unit,
        comment=comment,
    )
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


def _locked_notice(pk: int) -> SupervisionNotice:
    return (
        SupervisionNotice.objects.select_for_update(of=("self",))
        .select_related("unit__liaison", "issued_by")
        .get(pk=pk)
    )


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
    _require(permissions.can_issue(actor))
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
    _event(notice, actor=actor, action=Action.ISSUE)
    _tell(
        [*responsible_people(unit), unit.liaison],
        actor=actor,
        template="notice_issued",
        url=reverse("oversight:notice", args=[notice.pk]),
        notice=notice,
        unit=unit,
    )
    return notice


@transaction.atomic
def reply_to_notice(*, notice_id: int, actor, reply: str, uploads: Iterable = ()) -> SupervisionNotice:
    """Awaiting reply → replied, by a post holder of the unit, with text and any files; the
    issuer is told."""
    n = _locked_notice(notice_id)
    _require(permissions.may_reply(actor, n))
    _expect(n, NState.ISSUED)
    n.reply = _text(reply, _("Write the reply."))
    _attach(n, uploads, actor)
    n.state = NState.REPLIED
    n.replied_by = actor
    n.replied_at = timezone.now()
    n.save(update_fields=["reply", "state", "replied_by", "replied_at"])
    _event(n, actor=actor, action=Action.REPLY, before=NState.ISSUED, comment=n.reply)
    _tell(
        [n.issued_by],
        actor=actor,
        template="notice_replied",
        url=reverse("oversight:notice", args=[n.pk]),
        notice=n,
        unit=n.unit,
    )
    return n


@transaction.atomic
def close_notice(*, notice_id: int, actor, comment: str = "") -> SupervisionNotice:
    """Replied (or still awaiting, when the matter resolved itself) → closed by the issuer."""
    n = _locked_notice(notice_id)
    _require(permissions.may_settle(actor, n))
    _expect(n, NState.ISSUED, NState.REPLIED)
    before = n.state
    n.state = NState.CLOSED
    n.closed_at = timezone.now()
    n.save(update_fields=["state", "closed_at"])
    _event(n, actor=actor, action=Action.CLOSE, before=before, comment=(comment or "").strip())
    _tell(
        responsible_people(n.unit),
        actor=actor,
        template="notice_closed",
        url=reverse("oversight:notice", args=[n.pk]),
        notice=n,
        unit=n.unit,
    )
    return n


@transaction.atomic
def press_notice(*, notice_id: int, actor, comment: str, deadline: datetime.date) -> SupervisionNotice:
    """Press again (再次督办): back to awaiting a reply, with why and a new deadline; the unit
    and its liaison leader are told."""
    comment = _text(comment, _("Say why the notice is pressed again."))
    _future(deadline, _("Give a deadline from today on."))
    n = _locked_notice(notice_id)
    _require(permissions.may_settle(actor, n))
    _expect(n, NState.ISSUED, NState.REPLIED)
    before = n.state
    n.state = NState.ISSUED
    n.deadline = deadline
    n.pressed += 1
    n.save(update_fields=["state", "deadline", "pressed"])
    _event(n, actor=actor, action=Action.PRESS, before=before, comment=comment)
    _tell(
        [*responsible_people(n.unit), n.unit.liaison],
        actor=actor,
        template="notice_pressed",
        url=reverse("oversight:notice", args=[n.pk]),
        notice=n,
        unit=n.unit,
        comment=comment,
    )
    return n
