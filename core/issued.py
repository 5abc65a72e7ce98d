"""What an item issued to a unit with a deadline and a required reply keeps alike — a 督办
notice, a 交办 task (一、三: 真管真严): who issued it and when, the reply by the
deadline, who gave it and when, and when it was closed. The states (issued, replied,
closed) are the item's own ``State``, whose labels say what the reply is called there.

And the three steps such an item (and a rectification, which is answered and settled the
same way) goes through, written once: ``answer`` (the unit replies, with files), ``close``
(the issuer closes it: 办结, 销号) and ``send_back`` (returned, sent back or pressed again,
with why and a new deadline). Each locks the row, checks who acts (403) and the state it
expects, changes it, records the event (``core.transitions``) and tells the people
concerned through the app's ``tell(item, comment)``. The app's service names the
machine, the states, the action and the messages:

    answer(machine, task_id, actor=actor, may=may_reply, expect=(State.ISSUED,), to=State.REPLIED,
           action=Action.REPLY, text=reply, empty=_("Write the reply."), attach=..., tell=...)
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .deadlines import DeadlineMixin
from .errors import TransitionError
from .fields import person
from .transitions import Transitions, deadline_from_today, require, required_text


class AbstractIssued(DeadlineMixin, models.Model):
    deadline = models.DateField(_("reply by"))
    issued_by = person(_("issued by"))
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    reply = models.TextField(_("reply"), blank=True)
    replied_by = person(_("replied by"), optional=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        abstract = True


Tell = Callable[[models.Model, str], None]


def take_step(
    machine: Transitions,
    pk,
    *,
    actor,
    may,
    expect: tuple,
    to: str,
    action: str,
    change,
    tell: Tell,
    comment: str = "",
    province: int | None = None,
):
    """Lock item ``pk``, refuse unless ``may(actor, item)`` (403) and it is in one of
    ``expect``, let ``change(item)`` set what the step sets (it returns the fields), move it
    to ``to`` with ``comment`` on the event, and ``tell(item, comment)``. ``province``: the
    item's, when the caller read it (the lock names it: docs/scale.md 5)."""
    item = machine.lock(pk, province=province)
    require(may(actor, item))
    machine.expect(item, *expect)
    fields = change(item)
    machine.move(item, to, actor=actor, action=action, comment=comment, fields=fields)
    tell(item, comment)
    return item


def answer(
    machine: Transitions,
    pk,
    *,
    actor,
    text: str,
    empty: str,
    attach: Callable[[models.Model], object],
    files_needed: str = "",
    field: str = "reply",
    at: str = "replied_at",
    by: str | None = "replied_by",
    also: Callable[[models.Model], list[str]] | None = None,
    **step,
):
    """The unit answers the item: ``text`` (required: ``empty`` otherwise) into ``field``,
    the time into ``at`` and the actor into ``by``; ``attach(item)`` stores the files and
    says whether there are enough (``files_needed`` is the refusal when that matters);
    ``also(item)`` sets more (and returns their fields)."""
    text = required_text(text, empty)

    def change(item):
        setattr(item, field, text)
        if not attach(item) and files_needed:
            raise TransitionError(files_needed)
        setattr(item, at, timezone.now())
        fields = [field, at, *([by] if by else []), *(also(item) if also else [])]
        if by:
            setattr(item, by, actor)
        return fields

    return take_step(machine, pk, actor=actor, change=change, comment=text, **step)


def close(machine: Transitions, pk, *, actor, comment: str = "", **step):
    """The issuer closes the item (办结, 销号), with an optional comment."""

    def change(item):
        item.closed_at = timezone.now()
        return ["closed_at"]

    return take_step(machine, pk, actor=actor, change=change, comment=(comment or "").strip(), **step)


def send_back(
    machine: Transitions,
    pk,
    *,
    actor,
    comment: str,
    why: str,
    deadline: datetime.date | None = None,
    deadline_needed: bool = False,
    also: Callable[[models.Model], list[str]] | None = None,
    **step,
):
    """Back to the unit — returned, sent back, pressed again — with the reason (required:
    ``why`` otherwise) and a new deadline from today on (optional unless
    ``deadline_needed``); ``also(item)`` sets more (and returns their fields)."""
    comment = required_text(comment, why)
    if deadline_needed or deadline is not None:
        deadline = deadline_from_today(deadline, _("Give a deadline from today on."))

    def change(item):
        if deadline is not None:
            item.deadline = deadline
        return ["deadline", *(also(item) if also else [])]

    return take_step(machine, pk, actor=actor, change=change, comment=comment, **step)
