"""One way to change the state of anything that has a life: lock the row, check who acts,
expect a state, change it, record the event (留痕).

Reports, rectifications, supervision notices and appraisal rounds all move this way. Each
step runs inside the caller's ``transaction.atomic``: the row stays locked
(``select_for_update``) until the step commits, so when two people act at once the second
finds the new state and is refused with a plain message (``TransitionError``), never a
half-done change.

    machine = Transitions(Report, events=ReportEvent, owner=lambda report: {"report": report},
                          message=_("This report is now “%(state)s”; …"))
    report = machine.lock(report_id)
    require(permissions.can_review(actor, report))
    machine.expect(report, Report.State.SUBMITTED)
    report.grade = grade
    event = machine.move(report, Report.State.APPROVED, actor=actor, action=Action.APPROVE)
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .errors import TransitionError
from .events import AbstractTransitionEvent
from .permissions import require as require

DEFAULT_MESSAGE = _("This %(thing)s is now “%(state)s”; the action was not taken. Reload the page.")


class Transitions:
    """The life of one model: its rows have a ``state`` field with choices, and each step
    is kept as a row of ``events`` (an ``AbstractEvent``), tied to the row by ``owner``."""

    def __init__(
        self,
        model: type[models.Model],
        *,
        events: type[models.Model] | None = None,
        owner: Callable[[models.Model], dict] | None = None,
        related: Iterable[str] = (),
        message=DEFAULT_MESSAGE,
        guard: Callable[[models.Model], None] | None = None,
        joined: models.Q | None = None,
    ):
        self.model = model
        # What every lock asks of the ``related`` rows it joins: for keyed rows, the provinces'
        # equality (``core.provinces.joined``), so that on Citus the join is co-located.
        self.joined = joined
        self.events = events
        self.owner = owner
        self.related = tuple(related)
        self.message = message
        self.guard = guard

    def lock(self, pk, *, province: int | None = None) -> models.Model:
        """The row, locked until the transaction ends (with ``related`` rows joined, not
        locked). ``DoesNotExist`` when there is no such row. The ``guard``, when given,
        may refuse every step on the row (a ``TransitionError``) before any is taken: what
        a closed period freezes is decided there, once. ``province``, when the caller knows
        it (a page that read the row already), is named in the lookup: on Citus the row's
        shard only (docs/scale.md 5)."""
        queryset = self.model._default_manager.select_for_update(of=("self",))
        if province is not None:
            queryset = queryset.filter(province=province)
        if self.related:
            queryset = queryset.select_related(*self.related)
        if self.joined is not None:
            queryset = queryset.filter(self.joined)
        thing = queryset.get(pk=pk)
        if self.guard is not None:
            self.guard(thing)
        return thing

    def expect(self, thing: models.Model, *states: str) -> None:
        """Refuse, with a message for whoever came second, unless ``thing`` is in one of
        ``states``."""
        if thing.state not in states:
            raise TransitionError(
                self.message % {"thing": thing._meta.verbose_name, "state": thing.get_state_display()}
            )

    def record(self, thing: models.Model, *, actor, action: str, before: str = "", comment: str = "", **extra):
        """Write the event of a step on ``thing`` (its state now is the state after)."""
        if issubclass(self.events, AbstractTransitionEvent):
            extra.update(from_state=before, to_state=thing.state)
        return self.events._default_manager.create(
            **self.owner(thing), actor=actor, action=action, comment=comment, **extra
        )

    def note(self, thing: models.Model, *, actor, action: str, comment: str = ""):
        """Record a step that leaves ``thing`` in its state (a transfer to a successor)."""
        return self.record(thing, actor=actor, action=action, before=thing.state, comment=comment)

    def move(
        self,
        thing: models.Model,
        to: str,
        *,
        actor,
        action: str,
        comment: str = "",
        fields: Iterable[str] | None = None,
        **extra,
    ):
        """Set ``thing`` to state ``to``, save it (only ``fields`` and the state when
        ``fields`` is given, else every field) and record the step; returns the event."""
        before = thing.state
        thing.state = to
        if fields is None:
            thing.save()
        else:
            thing.save(update_fields=list(dict.fromkeys(["state", *fields])))
        return self.record(thing, actor=actor, action=action, before=before, comment=comment, **extra)


def required_text(value: str, message: str) -> str:
    """``value`` stripped; refused with ``message`` when nothing is left (a reason, a reply)."""
    value = (value or "").strip()
    if not value:
        raise TransitionError(message)
    return value


def deadline_from_today(deadline, message: str) -> datetime.date:
    """``deadline``, refused with ``message`` unless it is a date from today on."""
    if not isinstance(deadline, datetime.date) or deadline < timezone.localdate():
        raise TransitionError(message)
    return deadline
