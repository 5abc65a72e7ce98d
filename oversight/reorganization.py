"""撤并与分设: a unit merged into another, or split into several.

The successor carries on the predecessor's open work from the day of the change: its
reports still being written (草稿, 已退回) in an open period, its duties (assignments),
its open rectifications (交办整改 not yet 销号) and the supervision notices still awaiting a
reply or a close. Each moved item gets an event in its own trail (全程留痕) naming where it
went and why. The predecessor is closed (inactive, its posts and liaison ended) but keeps
its name: its submitted and approved reports, scores and trends of every period stay under
it, so past periods and the trend read as they did.

Refused, with nothing written: a unit already closed, a successor that is closed, the unit
itself, or one below it; a unit that still has open units below it (move or close them
first).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from accounts import roles
from assessments.models import Period, Report, ReportEvent
from assessments.services import reports as report_steps
from core import provinces
from core.errors import TransitionError
from responsibilities import access
from responsibilities.models import Assignment, Liaison, Post, Succession, Unit

from .models import Event, Rectification, SupervisionNotice
from .services import notices, rectifications

OPEN_RECTIFICATION = (Rectification.State.OPEN, Rectification.State.REPORTED)
OPEN_NOTICE = (SupervisionNotice.State.ISSUED, SupervisionNotice.State.REPLIED)


def may_reorganize(user) -> bool:
    return roles.is_admin(user)


@dataclass
class Moved:
    """What one change moved to its successor, and what it could not move."""

    reports: list[Report] = field(default_factory=list)
    kept: list[Report] = field(default_factory=list)  # the successor already has that duty's report
    assignments: int = 0
    rectifications: list[Rectification] = field(default_factory=list)
    notices: list[SupervisionNotice] = field(default_factory=list)

    def as_counts(self) -> dict:
        return {
            "reports": len(self.reports),
            "reports_kept": len(self.kept),
            "assignments": self.assignments,
            "rectifications": len(self.rectifications),
            "notices": len(self.notices),
        }


def _refuse_unless_open(unit: Unit, successors: list[Unit]) -> None:
    if not unit.active:
        raise TransitionError(_("%(unit)s is already closed.") % {"unit": unit.name})
    for successor in successors:
        if successor.pk == unit.pk or successor.path.startswith(unit.path):
            raise TransitionError(_("A unit cannot pass its work to itself or to a unit below it."))
        if not successor.active:
            raise TransitionError(_("%(unit)s is closed: choose an open unit.") % {"unit": successor.name})
    if Unit.objects.filter(access.in_subtree(unit, ""), depth__gt=unit.depth, active=True).exists():
        raise TransitionError(
            _("%(unit)s still has open units below it: merge, move or close them first.") % {"unit": unit.name}
        )


def _post_map(unit: Unit, successor: Unit) -> dict[int, Post | None]:
    """Each post of ``unit`` → the successor's post that takes its work: the same title,
    else the same kind, else the successor's secretary, else its first post."""
    theirs = list(Post.objects.filter(unit=successor, active=True).order_by("kind", "title", "pk"))
    by_title = {p.title: p for p in theirs}
    by_kind: dict[str, Post] = {}
    for p in theirs:
        by_kind.setdefault(p.kind, p)
    fallback = by_kind.get("secretary") or (theirs[0] if theirs else None)
    return {
        post.pk: by_title.get(post.title) or by_kind.get(post.kind) or fallback
        for post in Post.objects.filter(unit=unit)
    }


def _move_open_items(unit: Unit, successor: Unit, *, on: datetime.date, reason: str, actor) -> Moved:
    moved = Moved()
    posts = _post_map(unit, successor)
    comment = _("Moved from %(old)s to %(new)s: %(reason)s") % {
        "old": unit.name,
        "new": successor.name,
        "reason": reason,
    }
    # Duties: the successor's post carries each duty from now on (an existing one is kept).
    carried: dict[tuple[int, int], Assignment] = {}
    for assignment in Assignment.objects.filter(unit=unit, active=True).select_related("duty"):
        post = posts.get(assignment.post_id)
        if post is None:
            continue
        target, created = Assignment.objects.get_or_create(duty=assignment.duty, post=post)
        if not target.active:
            target.active = True
            target.save(update_fields=["active"])
        carried[(assignment.duty_id, assignment.post_id)] = target
        moved.assignments += created
    # Reports still being written in an open period go with their duty.
    open_reports = (
        Report.objects.select_for_update()
        .filter(unit=unit, state__in=Report.EDITABLE, period__state=Period.State.OPEN)
        .select_related("assignment")
        .order_by("pk")
    )
    for report in open_reports:
        target = carried.get((report.assignment.duty_id, report.assignment.post_id))
        if target is None or Report.objects.filter(assignment=target, period_id=report.period_id).exists():
            moved.kept.append(report)
            continue
        report.assignment = target
        report.unit = successor
        report.save(update_fields=["assignment", "unit", "updated_at"])
        report_steps.note(report, actor=actor, action=ReportEvent.Action.TRANSFER, comment=comment)
        moved.reports.append(report)
    Assignment.objects.filter(unit=unit, active=True).update(active=False)
    for rectification in Rectification.objects.select_for_update().filter(unit=unit, state__in=OPEN_RECTIFICATION):
        target_post = posts.get(rectification.post_id) if rectification.post_id else None
        rectification.unit = successor
        rectification.post = target_post
        rectification.save(update_fields=["unit", "post"])
        rectifications.note(rectification, actor=actor, action=Event.Action.TRANSFER, comment=comment)
        moved.rectifications.append(rectification)
    for notice in SupervisionNotice.objects.select_for_update().filter(unit=unit, state__in=OPEN_NOTICE):
        notice.unit = successor
        notice.save(update_fields=["unit"])
        notices.note(notice, actor=actor, action=Event.Action.TRANSFER, comment=comment)
        moved.notices.append(notice)
    return moved


def _close(unit: Unit, *, on: datetime.date) -> None:
    """Close ``unit``: inactive, its posts inactive, its liaison ended the day before ``on``.
    Its name, tenures and history stay."""
    for liaison in Liaison.objects.filter(unit=unit, ended__isnull=True):
        liaison.ended = max(liaison.started, on - datetime.timedelta(days=1))
        liaison.save(update_fields=["ended"])
    Post.objects.filter(unit=unit, active=True).update(active=False)
    unit.active = False
    unit.save(update_fields=["active"])


def _locked(unit: Unit) -> Unit:
    return Unit.objects.select_for_update().get(pk=unit.pk)


@transaction.atomic
def merge(*, unit: Unit, into: Unit, on: datetime.date, reason: str, actor) -> tuple[Succession, Moved]:
    """Merge ``unit`` into ``into`` from ``on``: the open items move, ``unit`` closes."""
    if not may_reorganize(actor):
        raise TransitionError(_("Only an administrator merges or splits units."))
    provinces.hold([unit.pk, into.pk])  # before the units' rows: the order a move takes its locks in
    unit, into = _locked(unit), _locked(into)
    _refuse_unless_open(unit, [into])
    moved = _move_open_items(unit, into, on=on, reason=reason, actor=actor)
    _close(unit, on=on)
    succession = Succession.objects.create(
        predecessor=unit,
        successor=into,
        kind=Succession.Kind.MERGE,
        on=on,
        reason=reason,
        by=actor,
        moved=moved.as_counts(),
    )
    return succession, moved


@dataclass
class Part:
    """One unit a split makes: its code and name (the kind is the old unit's)."""

    code: str
    name: str


@transaction.atomic
def split(*, unit: Unit, parts: list[Part], on: datetime.date, reason: str, actor) -> tuple[list[Succession], Moved]:
    """Split ``unit`` into new units beside it (the same parent and kind, its posts' seats
    copied without holders) from ``on``. The first part carries on the open items; every
    part is linked as a successor; ``unit`` closes."""
    if not may_reorganize(actor):
        raise TransitionError(_("Only an administrator merges or splits units."))
    if len(parts) < 2:
        raise TransitionError(_("A split makes at least two units."))
    codes = [p.code for p in parts]
    if len(set(codes)) != len(codes) or Unit.objects.filter(code__in=codes).exists():
        raise TransitionError(_("Each new unit needs a code no other unit has."))
    provinces.hold([unit.pk])  # before the unit's row: the order a move takes its locks in
    unit = _locked(unit)
    _refuse_unless_open(unit, [])
    parent = Unit.objects.filter(path=unit.path[: -Unit.steplen]).first() if unit.depth > 1 else None
    seats = list(Post.objects.filter(unit=unit, active=True).order_by("kind", "title"))
    made = []
    for part in parts:
        values = {"kind": unit.kind, "code": part.code, "name": part.name}
        new = Unit.objects.add_child(parent, values) if parent is not None else Unit.objects.add_root(values)
        Post.objects.bulk_create(
            [Post(unit=new, kind=seat.kind, title=seat.title, portfolio=seat.portfolio) for seat in seats]
        )
        made.append(new)
    if parent is not None:
        parent.refresh_from_db()
    moved = _move_open_items(unit, made[0], on=on, reason=reason, actor=actor)
    _close(Unit.objects.get(pk=unit.pk), on=on)
    successions = [
        Succession.objects.create(
            predecessor=unit,
            successor=new,
            kind=Succession.Kind.SPLIT,
            on=on,
            reason=reason,
            by=actor,
            moved=moved.as_counts() if n == 0 else {},
        )
        for n, new in enumerate(made)
    ]
    return successions, moved
