"""Counts against the rule, all year (履责纪实): for each assignment of a counted duty, how
many recorded work records it has in the half (the year, for a yearly duty), how many the
rule asks for by now, and whether the unit is on track, one behind (yellow) or two or more
behind (red) — red too when the span ended short.

Speech 二、一 asks to push responsibility down to the branch (向党支部延伸) and 三、一 to
oppose formalism: the work is recorded once, when it happens, and counted here wherever
its ``duties`` say it counts. The rules' frequencies are data on ``Duty`` (record_type,
required_count or each_member, frequency).

Set-based: two queries (the assignments, the counts) whatever the number of units and records.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from core import provinces as core_provinces
from responsibilities.models import Assignment, Frequency, WorkType

from .models import WorkRecord

ON_TRACK = "on_track"
YELLOW = "yellow"
RED = "red"

# Each record type's name (lazy: said in the language active when it is read).
RECORD_TYPES = dict(WorkType.choices)

# How many spans of each frequency make up the counting window (the half, or the year).
SPANS = {Frequency.MONTH: 6, Frequency.QUARTER: 2, Frequency.HALF: 1, Frequency.YEAR: 1}


def half_of(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The half year (上半年 / 下半年) that holds ``day``: its first and last day."""
    if day.month <= 6:
        return datetime.date(day.year, 1, 1), datetime.date(day.year, 6, 30)
    return datetime.date(day.year, 7, 1), datetime.date(day.year, 12, 31)


def month_end(year: int, month: int) -> datetime.date:
    following = datetime.date(year + month // 12, month % 12 + 1, 1)
    return following - datetime.timedelta(days=1)


def span_ends(frequency: str, start: datetime.date) -> list[datetime.date]:
    """The last day of each span of ``frequency`` in the window that starts on ``start``."""
    if frequency == Frequency.MONTH:
        return [month_end(start.year, start.month + i) for i in range(6)]
    if frequency == Frequency.QUARTER:
        return [month_end(start.year, start.month + 2), month_end(start.year, start.month + 5)]
    if frequency == Frequency.HALF:
        return [month_end(start.year, start.month + 5)]
    return [datetime.date(start.year, 12, 31)]


@dataclass
class Tally:
    """One counted duty of one post (so of its unit) in one half."""

    assignment: Assignment
    done: int
    target: int | None  # the whole window's count; None for "each member" with no roster known
    required: int  # what the rule asks for by today
    ended: bool  # the counting window is over
    start: datetime.date
    end: datetime.date

    @property
    def duty(self):
        return self.assignment.duty

    @property
    def behind(self) -> int:
        return max(0, self.required - self.done)

    @property
    def status(self) -> str:
        if self.ended and self.target is not None and self.done < self.target:
            return RED
        if self.behind >= 2:
            return RED
        if self.behind == 1:
            return YELLOW
        return ON_TRACK

    @property
    def label(self) -> str:
        """支委会 4/6: the duty's record type and the count against the window's target.
        As ``get_record_type_display`` says it, without its hashing of every choice on each
        call (the day's reminders name some 12,000 tallies at province scale)."""
        value = self.duty.record_type
        return str(RECORD_TYPES.get(value, value))

    @property
    def words(self) -> str:
        if self.status == RED and self.ended and self.behind == 0:
            return _("ended short")
        if self.status == RED and self.ended:
            return _("ended short · %(n)s missing") % {"n": self.target - self.done}
        if self.behind:
            return _("behind schedule · %(n)s behind") % {"n": self.behind}
        return _("on track")


def window(duty, start: datetime.date, end: datetime.date) -> tuple[datetime.date, datetime.date]:
    """Where a duty's records are counted: the year for a yearly duty, else the half."""
    if duty.frequency == Frequency.YEAR:
        return datetime.date(start.year, 1, 1), datetime.date(start.year, 12, 31)
    return start, end


def counted_assignments(*, units=None, posts=None, year: int, provinces=None) -> QuerySet:
    """Active assignments of this year's counted duties, of ``units`` / ``posts`` (all if
    neither is given), with duty, unit and post joined; ``provinces`` (ids), when known,
    names where they live (docs/scale.md 5)."""
    qs = Assignment.objects.filter(
        active=True, duty__active=True, duty__checklist__year=year, unit__active=True
    ).exclude(duty__record_type="")
    qs = qs.exclude(duty__frequency="").filter(Q(duty__required_count__gt=0) | Q(duty__each_member=True))
    if units is not None:
        qs = qs.filter(unit__in=units)
    if posts is not None:
        qs = qs.filter(post_id__in=posts)
    if provinces is not None:
        qs = qs.filter(province__in=provinces)
    qs = qs.filter(core_provinces.joined("post"))  # the post within its province (docs/scale.md 5)
    return qs.select_related("duty", "unit", "post").order_by("unit__path", "post_id", "duty__code")


def tallies(
    assignments: Iterable[Assignment], *, today: datetime.date | None = None, within: datetime.date | None = None
) -> list[Tally]:
    """The tally of each assignment (of a counted duty) for the half that holds ``within``
    (default ``today``): a past half is seen as it ended.

    A record counts for an assignment when the duty is among the record's ``duties``, it is
    recorded (not a draft), held in the window and not after ``today``, and it is either
    that post's own record (a leader's 讲党课 at the 联系点, 二、一) or the unit's record as a
    body (no post). One query.
    """
    today = today or timezone.localdate()
    start, end = half_of(within or today)
    assignments = [a for a in assignments if a.duty.counted]
    if not assignments:
        return []
    duty_ids = sorted({a.duty_id for a in assignments})
    unit_ids = sorted({a.unit_id for a in assignments})
    post_ids = sorted({a.post_id for a in assignments})
    year_start = datetime.date(start.year, 1, 1)
    last = min(today, end)
    Through = WorkRecord.duties.through
    base = Through.objects.filter(
        duty_id__in=duty_ids,
        workrecord__state=WorkRecord.State.RECORDED,
        workrecord__held_on__gte=year_start,
        workrecord__held_on__lte=last,
    ).filter(Q(workrecord__post_id__in=post_ids) | Q(workrecord__post__isnull=True, workrecord__unit_id__in=unit_ids))
    keys = ("duty_id", "workrecord__unit_id", "workrecord__post_id")
    # A post's own records count wherever they were held (the 联系点 is another unit); the
    # unit's records as a body count for the posts of that unit.
    own, body = {}, {}

    def put(row, value):
        if row["workrecord__post_id"] is None:
            where, key = body, (row["duty_id"], row["workrecord__unit_id"])
        else:
            where, key = own, (row["duty_id"], row["workrecord__post_id"])
        old = where.get(key, (0, 0))
        where[key] = (old[0] + value[0], old[1] + value[1])

    each = sorted({a.duty_id for a in assignments if a.duty.each_member})
    # 谈心谈话 with each member: the distinct people talked with this year, against the
    # unit's members as its latest record gives them (members expected). In the same query:
    # the join on participants repeats rows, so records are counted distinct.
    latest = WorkRecord.objects.filter(
        # Within the outer record's province: co-located on Citus (docs/scale.md 5).
        core_provinces.beside("workrecord__"),
        unit_id=OuterRef("workrecord__unit_id"),
        state=WorkRecord.State.RECORDED,
        expected__isnull=False,
    ).order_by("-held_on", "-pk")
    annotations = {
        "in_half": Count("pk", distinct=True, filter=Q(workrecord__held_on__gte=start)),
        "in_year": Count("pk", distinct=True),
    }
    if each:
        annotations["people"] = Count("workrecord__participants", distinct=True, filter=Q(duty_id__in=each))
        annotations["members"] = Subquery(latest.values("expected")[:1])
    people_own, people_body, members = {}, {}, {}
    for row in base.values(*keys).annotate(**annotations):
        put(row, (row["in_half"], row["in_year"]))
        if row.get("members"):
            members[row["workrecord__unit_id"]] = row["members"]
        if row.get("people"):
            if row["workrecord__post_id"] is None:
                people_body[(row["duty_id"], row["workrecord__unit_id"])] = row["people"]
            else:
                people_own[(row["duty_id"], row["workrecord__post_id"])] = row["people"]

    result = []
    for a in assignments:
        duty = a.duty
        first, final = window(duty, start, end)
        column = 1 if duty.frequency == Frequency.YEAR else 0
        ended = today > final
        completed = sum(1 for day in span_ends(duty.frequency, first) if day < today)
        if duty.each_member:
            # one talk counted once, though the same person may be in the unit's and the post's
            done = people_own.get((duty.pk, a.post_id), 0) + people_body.get((duty.pk, a.unit_id), 0)
            target = members.get(a.unit_id) or None
            required = target if (target and completed) else 0
        else:
            done = own.get((duty.pk, a.post_id), (0, 0))[column] + body.get((duty.pk, a.unit_id), (0, 0))[column]
            target = duty.required_count * SPANS[duty.frequency]
            required = duty.required_count * completed
        result.append(Tally(a, done, target, required, ended, first, final))
    return result


def behind(tallies_: Iterable[Tally]) -> list[Tally]:
    return [t for t in tallies_ if t.status != ON_TRACK]
