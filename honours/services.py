"""The life of a 评先评优 round (honours.models): each step one atomic transition through
``core.transitions`` with its event (全程留痕). Only the admin acts (``permissions``); the
caller checks who, these check what state the round is in and what was typed."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from core.errors import TransitionError
from core.transitions import Transitions
from dashboard.models import Export
from dashboard.services import request_export
from notifications.services import notify
from responsibilities import access
from responsibilities.models import Unit
from responsibilities.selectors import round_organization

from . import selectors
from .models import UNIT_KINDS, Honour, HonourEvent, HonourKind, HonourRound, Nomination, Objection

Action = HonourEvent.Action
State = HonourRound.State

machine = Transitions(
    HonourRound,
    events=HonourEvent,
    owner=lambda round: {"round": round},
    message=gettext_lazy("This round is now “%(state)s”; the action was not taken. Reload the page."),
)


def _lock(round_id: int, province_id: int | None) -> HonourRound:
    """The round, locked; ``province_id``, in every step: the round's, when the page read it
    (the lock names it, so the step is one shard's: docs/scale.md 5)."""
    try:
        return machine.lock(round_id, province=province_id)
    except HonourRound.DoesNotExist:
        raise TransitionError(_("There is no such round.")) from None


@transaction.atomic
def create_round(*, year: int, title: str, kinds: list[str], actor, organization: Unit | None = None) -> HonourRound:
    """A round of ``organization`` (the root whose branches and members it honours; the
    only one when the installation has one, ``responsibilities.selectors.organizations``)."""
    organization = round_organization(organization)
    if HonourRound.objects.filter(province=organization.pk, organization=organization, year=year).exists():
        raise TransitionError(_("There is already a round for %(year)s.") % {"year": year})
    if not kinds or any(kind not in HonourKind.values for kind in kinds):
        raise TransitionError(_("Choose at least one honour."))
    round = HonourRound.objects.create(
        organization=organization, year=year, title=title, kinds=list(kinds), created_by=actor
    )
    machine.record(round, actor=actor, action=Action.CREATE)
    return round


def _nominate(round: HonourRound, *, kind, unit, person, source, basis="", reason="") -> Nomination | None:
    listed = round.nominations.filter(province=round.province_id)
    same = listed.filter(kind=kind, unit=unit) if person is None else listed.filter(kind=kind)
    same = same.filter(person=person) if person is not None else same.filter(person__isnull=True)
    if same.exists():
        return None
    return Nomination.objects.create(
        round=round, kind=kind, unit=unit, person=person, source=source, basis=basis, reason=reason
    )


@transaction.atomic
def draw_nominations(*, round_id: int, actor, province_id: int | None = None) -> list[Nomination]:
    """Nominate the ranking's 前三名 branches (先进党支部) and the first places of the year's
    述职评议 (优秀党务工作者), for the kinds the round awards; drawing twice adds nothing
    twice (nor brings back a withdrawn one)."""
    round = _lock(round_id, province_id)
    machine.expect(round, State.NOMINATING)
    # The organization's own branches and secretaries (二、三: it honours its own).
    candidates = selectors.ranking_candidates(round.year, round.organization) + selectors.appraisal_candidates(
        round.year, round.organization
    )
    made = []
    for c in candidates:
        if c.kind not in round.kinds:
            continue
        nomination = _nominate(round, kind=c.kind, unit=c.unit, person=c.person, source=c.source, basis=c.basis)
        if nomination is not None:
            made.append(nomination)
    if not made:
        raise TransitionError(
            _("Nothing new to nominate: the ranking and the appraisal results of %(year)s propose no one else.")
            % {"year": round.year}
        )
    machine.record(round, actor=actor, action=Action.NOMINATE, comment="; ".join(n.nominee for n in made))
    return made


@transaction.atomic
def add_nomination(
    *,
    round_id: int,
    actor,
    kind: str,
    unit_id: int,
    person_id: int | None,
    reason: str,
    province_id: int | None = None,
) -> Nomination:
    round = _lock(round_id, province_id)
    machine.expect(round, State.NOMINATING)
    if kind not in round.kinds:
        raise TransitionError(_("This round does not award that honour."))
    if not reason.strip():
        raise TransitionError(_("Say why this nomination is added."))
    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None:
        raise TransitionError(_("There is no such unit."))
    if unit.province_id != round.province_id:
        raise TransitionError(_("This unit is not in the organization that runs the round."))
    person = None
    if kind in UNIT_KINDS:
        if person_id:
            raise TransitionError(_("This honour goes to a unit: leave the person empty."))
    else:
        person = User.objects.filter(pk=person_id, is_active=True).first() if person_id else None
        if person is None:
            raise TransitionError(_("This honour goes to a person: choose who."))
    try:
        with transaction.atomic():
            nomination = _nominate(
                round, kind=kind, unit=unit, person=person, source=Nomination.Source.ADDED, reason=reason.strip()
            )
    except IntegrityError:
        nomination = None
    if nomination is None:
        raise TransitionError(_("This nomination is already on the list."))
    machine.record(round, actor=actor, action=Action.ADD, comment=reason.strip(), nomination=nomination)
    return nomination


@transaction.atomic
def withdraw_nomination(
    *, round_id: int, nomination_id: int, actor, reason: str, province_id: int | None = None
) -> Nomination:
    """Take a nomination off the list, with a reason: while nominating, or during the 公示
    when an objection is upheld."""
    round = _lock(round_id, province_id)
    machine.expect(round, State.NOMINATING, State.PUBLICITY)
    # Within the round's province, where its nominations live (docs/scale.md 5).
    nomination = (
        round.nominations.select_related("unit", "person").filter(pk=nomination_id, province=round.province_id).first()
    )
    if nomination is None:
        raise TransitionError(_("There is no such nomination in this round."))
    if nomination.withdrawn:
        raise TransitionError(_("This nomination has been withdrawn already."))
    if not reason.strip():
        raise TransitionError(_("Say why this nomination is withdrawn."))
    nomination.withdrawn = True
    nomination.withdrawn_reason = reason.strip()
    nomination.save(update_fields=["withdrawn", "withdrawn_reason"])
    machine.record(round, actor=actor, action=Action.WITHDRAW, comment=reason.strip(), nomination=nomination)
    return nomination


def _people_in_scope() -> list:
    """Who reads the 公示: everyone who may see any unit (holds a post, or sees everything)."""
    return list(access.people_who_see_anything().order_by("pk"))


@transaction.atomic
def publicize(
    *, round_id: int, actor, starts_on: datetime.date, ends_on: datetime.date, province_id: int | None = None
) -> HonourRound:
    """Start the 公示: the list is frozen and readable by everyone in scope until ``ends_on``."""
    round = _lock(round_id, province_id)
    machine.expect(round, State.NOMINATING)
    if ends_on < starts_on:
        raise TransitionError(_("The public notice cannot end before it starts."))
    if not round.nominations.filter(province=round.province_id, withdrawn=False).exists():
        raise TransitionError(_("There is no nomination to publish: draw or add some first."))
    round.notice_starts_on, round.notice_ends_on = starts_on, ends_on
    machine.move(
        round,
        State.PUBLICITY,
        actor=actor,
        action=Action.PUBLICIZE,
        comment=f"{starts_on:%Y-%m-%d} – {ends_on:%Y-%m-%d}",
        fields=["notice_starts_on", "notice_ends_on"],
    )
    notify(
        recipients=_people_in_scope(),
        kind="honours_notice",
        template="honours_notice",
        context={"round": round, "ends_on": ends_on},
        url=reverse("honours:notice", args=[round.pk]),
    )
    return round


@transaction.atomic
def note_objection(
    *, round_id: int, nomination_id: int, actor, text: str, handling: str = "", province_id: int | None = None
) -> Objection:
    round = _lock(round_id, province_id)
    machine.expect(round, State.PUBLICITY)
    nomination = round.nominations.filter(pk=nomination_id, province=round.province_id, withdrawn=False).first()
    if nomination is None:
        raise TransitionError(_("There is no such nomination on the public notice."))
    if not text.strip():
        raise TransitionError(_("Write down the objection."))
    objection = Objection.objects.create(
        round=round, nomination=nomination, text=text.strip(), handling=handling.strip(), noted_by=actor
    )
    machine.record(round, actor=actor, action=Action.OBJECTION, comment=text.strip(), nomination=nomination)
    return objection


@transaction.atomic
def decide(
    *, round_id: int, actor, decided_on: datetime.date, document_number: str, province_id: int | None = None
) -> list[Honour]:
    """Confer the honours on every nomination still on the list, by the decision of
    ``decided_on`` numbered ``document_number``. Not before the 公示 has ended."""
    round = _lock(round_id, province_id)
    machine.expect(round, State.PUBLICITY)
    if not document_number.strip():
        raise TransitionError(_("Give the decision's document number."))
    if decided_on <= round.notice_ends_on:
        raise TransitionError(
            _("The public notice runs until %(date)s: the decision comes after it.")
            % {"date": round.notice_ends_on.isoformat()}
        )
    if decided_on > timezone.localdate():
        raise TransitionError(_("The decision cannot be dated in the future."))
    kept = list(round.nominations.filter(province=round.province_id, withdrawn=False))
    if not kept:
        raise TransitionError(_("Every nomination was withdrawn: there is nothing to confer."))
    honours = Honour.objects.bulk_create(
        Honour(
            round=round,
            nomination=n,
            year=round.year,
            kind=n.kind,
            unit_id=n.unit_id,
            person_id=n.person_id,
            conferred_on=decided_on,
            document_number=document_number.strip(),
        )
        for n in kept
    )
    round.decided_on, round.document_number = decided_on, document_number.strip()
    machine.move(
        round,
        State.DECIDED,
        actor=actor,
        action=Action.DECIDE,
        comment=document_number.strip(),
        fields=["decided_on", "document_number"],
    )
    return honours


# ---------------------------------------------------------------------------------------
# Year-end summary (年度考核), built in the background as one of the dashboard's exports


def request_year_end(*, user, year: int, unit: Unit | None) -> Export:
    """Ask for the summary of ``year`` over ``unit``'s subtree (None: the whole organization);
    the caller checks the scope (``dashboard.permissions.scope_for``). The dashboard's
    export machinery builds it: one build per year and subtree at a time, a heartbeat, a
    stalled build taken over or swept (``honours.exports`` writes the workbook)."""
    return request_export(user=user, kind=Export.Kind.YEAR_END, year=year, unit=unit)
