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

from core import issued, provinces
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
def report_rectification_done(
    *, rectification_id: int, actor, completion: str, uploads: Iterable = (), province_id: int | None = None
):
    """Open → reported done, with what was done and evidence (at least one file in all);
    the one who raised it is told to verify."""
    return issued.answer(
        rectifications, rectification_id, actor=actor, may=permissions.may_report_done, expect=(RState.OPEN,),
        to=RState.REPORTED, action=Action.REPORT_DONE, text=completion, empty=_("Say what was done."),
        attach=lambda r: _attach(r, uploads, actor) or r.attachments.exists(),
        files_needed=_("Attach at least one file as evidence that the problem was put right."),
        field="completion", at="reported_at", by=None,
        tell=lambda r, _text: _tell(r, [r.raised_by], actor=actor, template="rectification_reported"),
        province=province_id,
    )  # fmt: skip


@transaction.atomic
def verify_rectification(
    *, rectification_id: int, actor, comment: str = "", province_id: int | None = None
) -> Rectification:
    """Reported done → verified and closed (销号) by the one who raised it (or an admin)."""
    return issued.close(
        rectifications, rectification_id, actor=actor, comment=comment, may=permissions.may_verify,
        expect=(RState.REPORTED,), to=RState.CLOSED, action=Action.VERIFY,
        tell=lambda r, _text: _tell(
            r, responsible_people(r.unit, r.post), actor=actor, template="rectification_closed"
        ),
        province=province_id,
    )  # fmt: skip


@transaction.atomic
def send_back_rectification(
    *,
    rectification_id: int,
    actor,
    comment: str,
    deadline: datetime.date | None = None,
    province_id: int | None = None,
) -> Rectification:
    """Reported done → back to being rectified, with the reason (required) and, if given, a
    new deadline."""
    return issued.send_back(
        rectifications, rectification_id, actor=actor, comment=comment, why=_("Say why it is sent back."),
        deadline=deadline, may=permissions.may_verify, expect=(RState.REPORTED,), to=RState.OPEN,
        action=Action.SEND_BACK,
        tell=lambda r, text: _tell(
            r, responsible_people(r.unit, r.post), actor=actor, template="rectification_sent_back", comment=text
        ),
        province=province_id,
    )  # fmt: skip


# ---------------------------------------------------------------------------------------
# 督办 Supervision notices


def next_notice_number(organization_id: int, year: int) -> int:
    """The next number of ``year`` in the series of ``organization_id`` (1, 2, 3…). Call
    inside a transaction: the organization's counter row stays locked until it commits, so
    concurrent issuers in one organization queue and never share a number, while those of
    another organization lock their own row (``NoticeCounter``)."""
    key = {"province_id": organization_id, "organization_id": organization_id, "year": year}
    NoticeCounter.objects.get_or_create(**key)
    counter = NoticeCounter.objects.select_for_update().get(**key)
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
    leader are told. Numbers run per calendar year in the series of the unit's organization
    (the root of its tree) and never repeat there (see ``next_notice_number``)."""
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
        number=next_notice_number(unit.province_id, year),
        organization_id=unit.province_id,
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
    provinces.note_filed([(actor.pk, notice.province_id)])  # the issuer reads it whatever their scope
    _tell(notice, [*responsible_people(unit), unit.liaison], actor=actor, template="notice_issued")
    return notice


@transaction.atomic
def reply_to_notice(
    *, notice_id: int, actor, reply: str, uploads: Iterable = (), province_id: int | None = None
) -> SupervisionNotice:
    """Awaiting reply → replied, by a post holder of the unit, with text and any files; the
    issuer is told."""
    return issued.answer(
        notices, notice_id, actor=actor, may=permissions.may_reply, expect=(NState.ISSUED,), to=NState.REPLIED,
        action=Action.REPLY, text=reply, empty=_("Write the reply."), attach=lambda n: _attach(n, uploads, actor),
        tell=lambda n, _text: _tell(n, [n.issued_by], actor=actor, template="notice_replied"),
        province=province_id,
    )  # fmt: skip


@transaction.atomic
def close_notice(*, notice_id: int, actor, comment: str = "", province_id: int | None = None) -> SupervisionNotice:
    """Replied (or still awaiting, when the matter resolved itself) → closed by the issuer."""
    return issued.close(
        notices, notice_id, actor=actor, comment=comment, may=permissions.may_settle,
        expect=(NState.ISSUED, NState.REPLIED), to=NState.CLOSED, action=Action.CLOSE,
        tell=lambda n, _text: _tell(n, responsible_people(n.unit), actor=actor, template="notice_closed"),
        province=province_id,
    )  # fmt: skip


@transaction.atomic
def press_notice(
    *, notice_id: int, actor, comment: str, deadline: datetime.date, province_id: int | None = None
) -> SupervisionNotice:
    """Press again (再次督办): back to awaiting a reply, with why and a new deadline; the unit
    and its liaison leader are told."""

    def pressed(n):
        n.pressed += 1
        return ["pressed"]

    return issued.send_back(
        notices, notice_id, actor=actor, comment=comment, why=_("Say why the notice is pressed again."),
        deadline=deadline, deadline_needed=True, also=pressed, may=permissions.may_settle,
        expect=(NState.ISSUED, NState.REPLIED), to=NState.ISSUED, action=Action.PRESS,
        tell=lambda n, text: _tell(
            n, [*responsible_people(n.unit), n.unit.liaison], actor=actor, template="notice_pressed", comment=text
        ),
        province=province_id,
    )  # fmt: skip
