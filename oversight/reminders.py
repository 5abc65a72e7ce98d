"""Rectifications and notices in the daily deadline reminders (DESIGN.md, "Schedules":
T-14, T-7, T-3, T-1 to each person with an open rectification).

The schedules app owns the job, its once-a-day bookkeeping and the notification; this
module only says what is open, by when, and who answers for it. ``OversightConfig.ready``
registers it with ``schedules.reminders.register_reminder_source``.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection

from django.urls import reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from responsibilities import access
from schedules.reminders import ReminderItem

from . import selectors
from .services import responsible_people

# 督办〔2026〕3号 or "Notice [2026] No. 3": made when the reminder is written, in the
# reader's language, not when the items are collected (in whatever language is active then).
_notice_label = lazy(lambda notice: notice.label, str)


def _due(items, today: datetime.date, days_before: Collection[int] | None):
    # None: the admin's "send reminders now" — everything still open.
    return [item for item in items if days_before is None or (item.deadline - today).days in days_before]


def oversight_reminder_items(*, today: datetime.date, days_before: Collection[int] | None) -> list[ReminderItem]:
    """Rectifications being rectified, to the holder of their post (else the unit's
    secretaries); notices awaiting a reply, to the unit's secretaries."""
    items = []
    due = _due(selectors.open_rectifications_due(today), today, days_before)
    # The overdue escalation (days before < 0): the unit's liaison leader is told beside the
    # one who answers for it, as for reports (DESIGN.md, "Schedules"; 三 "真管真严").
    # Their liaisons are read in one query.
    escalating = days_before is not None and any(r.days_left < 0 for r in due)
    if escalating:
        access.with_liaisons([r.unit for r in due])
    for r in due:
        url = reverse("oversight:rectification", args=[r.pk])
        people = responsible_people(r.unit, r.post)
        if escalating and r.days_left < 0 and r.unit.liaison is not None:
            people = list({p.pk: p for p in [*people, r.unit.liaison]}.values())
        for person in people:
            items.append(
                ReminderItem(
                    item_type="rectification",
                    item_id=r.pk,
                    person_id=person.pk,
                    due_on=r.deadline,
                    unit=r.unit,
                    code="",
                    title=r.problem[:80],
                    url=url,
                    kind_label=_("Rectification"),
                    since=timezone.localdate(r.created_at),
                )
            )
    for n in _due(selectors.open_notices_due(today), today, days_before):
        url = reverse("oversight:notice", args=[n.pk])
        for person in responsible_people(n.unit):
            items.append(
                ReminderItem(
                    item_type="notice",
                    item_id=n.pk,
                    person_id=person.pk,
                    due_on=n.deadline,
                    unit=n.unit,
                    code=_notice_label(n),
                    title=n.subject,
                    url=url,
                    kind_label=_("Supervision notice"),
                    since=timezone.localdate(n.issued_at),
                )
            )
    return items
