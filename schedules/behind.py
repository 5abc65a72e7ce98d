"""Units behind schedule in their work records (履责纪实, issue 13 item 3) join the daily
reminders and the overdue escalation, each stage once (speech 二、一: responsibility pushed
down to the branch; 三: 真管真严).

- The daily reminder tells the holder of the post that carries a counted duty when the
  unit falls behind: once when it turns yellow (one behind), once more when it turns red.
- The overdue escalation tells the holder and the unit's liaison leader once when it is
  red (two or more behind, or the half ended short — the half just ended is looked at
  for a month after it).

An item is (assignment, half, colour): ``item_type`` names the half and the colour, so the
machinery's records (``ReminderStage``, ``SentReminder``) keep each stage to one message.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from responsibilities import access
from responsibilities.models import Duty, Unit
from worklog import compliance

from .reminders import ReminderItem

# For this long after a half ended, the escalation still tells of it ending short.
ENDED_LOOKBACK_DAYS = 31


def item_type(start: datetime.date, status: str) -> str:
    """rec2026h1-yellow: the half and the colour (≤ 20 characters)."""
    return f"rec{start.year}h{1 if start.month == 1 else 2}-{status}"


def tallies_behind(*, today: datetime.date, within: datetime.date | None = None, liaisons: bool = False):
    start, _end = compliance.half_of(within or today)
    rows = compliance.counted_assignments(year=start.year).filter(post__holder__isnull=False)
    rows = rows.filter(post__holder__is_active=True)
    if liaisons:
        rows = rows.annotate(
            liaison_post_id=access.liaison_post("unit"),
            liaison_province_id=access.liaison_post("unit", "post_province_id"),
        )
    return compliance.behind(compliance.tallies(assignments_of(rows, liaisons=liaisons), today=today, within=within))


@dataclass(slots=True)
class CountedAssignment:
    """An assignment of a counted duty as the tallies (``compliance.tallies``) and the
    reminders read it: its duty and unit, and who holds its post and the unit's liaison."""

    pk: int
    duty: Duty
    unit: Unit
    post_id: int
    holder_id: int
    liaison_id: int | None = None

    @property
    def duty_id(self) -> int:
        return self.duty.pk

    @property
    def unit_id(self) -> int:
        return self.unit.pk


def assignments_of(rows, *, liaisons: bool) -> list[CountedAssignment]:
    """The assignments of ``rows``, in their order, with one instance a duty and a unit,
    shared. Built from plain values: at province scale some 25,000 rows, where a duty, unit
    and post joined to each made four model instances a row."""
    liaison = ["liaison_post_id", "liaison_province_id"] if liaisons else []
    values = list(rows.values_list("pk", "duty_id", "unit_id", "post_id", "post__holder_id", *liaison))
    duties = Duty.objects.in_bulk({row[1] for row in values})
    units = Unit.objects.in_bulk({row[2] for row in values})
    # Who holds each unit's liaison post: the posts read apart by id within their provinces
    # (a liaison's post may lie in another province, core.province_keys.CROSSING), one query.
    holders = access.liaison_holders(row[5:7] for row in values) if liaisons else {}
    return [
        CountedAssignment(pk, duties[duty_id], units[unit_id], post_id, holder_id, *[holders.get(p) for p in post[:1]])
        for pk, duty_id, unit_id, post_id, holder_id, *post in values
    ]


def note_of(tally) -> str:
    target = "?" if tally.target is None else tally.target
    return f"{tally.label} {tally.done}/{target} · {tally.words}"


def item_for(tally, person_id: int, *, due_on: datetime.date, url: str) -> ReminderItem:
    a = tally.assignment
    return ReminderItem(
        item_type=item_type(tally.start, tally.status),
        item_id=a.pk,
        person_id=person_id,
        due_on=due_on,
        unit=a.unit,
        code=a.duty.code,
        title=a.duty.title,
        url=url,
        kind_label=_("Work records"),
        note=note_of(tally),
    )


def records_url() -> str:
    from .common import first_url

    return first_url("assessments:my_reports", "home")


def behind_schedule_items(*, today: datetime.date, days_before: Collection[int] | None) -> list[ReminderItem]:
    """The reminder pass (days ahead): each unit behind, to the post's holder, its stage due
    today (so sent on the first run that sees it). The escalation pass (days overdue): the
    red ones, to the holder and the liaison leader, due yesterday (its overdue stage is
    today's)."""
    url = records_url()
    escalation = days_before is not None and any(day < 0 for day in days_before)
    if not escalation:
        return [item_for(t, t.assignment.holder_id, due_on=today, url=url) for t in tallies_behind(today=today)]
    start, _end = compliance.half_of(today)
    found = tallies_behind(today=today, liaisons=True)
    last_half = start - datetime.timedelta(days=1)
    if (today - start).days < ENDED_LOOKBACK_DAYS:
        found += tallies_behind(today=today, within=last_half, liaisons=True)
    yesterday = today - datetime.timedelta(days=1)
    items = []
    for t in found:
        if t.status != compliance.RED:
            continue
        people = (t.assignment.holder_id, t.assignment.liaison_id)
        items += [item_for(t, person, due_on=yesterday, url=url) for person in dict.fromkeys(p for p in people if p)]
    return items
