"""Reads of rectifications and notices shared by pages, the schedules and the dashboards.

For the schedules engineer (reminders and red warnings, DESIGN.md "Schedules"):
- ``open_rectifications_due(today)``: every rectification still being rectified, soonest
  deadline first, each annotated with ``days_left`` (negative once overdue) and with
  ``unit``, ``post.holder`` (the person to remind; ``services.responsible_people`` when
  the post is vacant), ``unit.liaison`` and ``raised_by`` loaded.
- ``overdue_rectifications(today)``: those whose deadline has passed. Overdue means state
  *open* and today > deadline; a rectification reported done waits on its verifier and
  is not overdue. ``Rectification.warning(today)`` gives red / yellow / blue by the same
  rule as reports (yellow within ``MINGZE_YELLOW_DAYS``).
- ``open_notices_due(today)`` and ``overdue_notices(today)``: the same for notices
  awaiting a reply.
- ``open_items_by_unit(today)``: per unit, open and overdue counts of both, for the
  dashboard and the hearing pack.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Case, Count, Q, QuerySet, When
from django.utils import timezone

from core import provinces

from .models import Rectification, SupervisionNotice

RState = Rectification.State
NState = SupervisionNotice.State


def attach_days_left(items, today: datetime.date):
    # In Python rather than SQL: date minus date is an interval on PostgreSQL and a number
    # on SQLite; this keeps one meaning everywhere.
    for item in items:
        item.days_left = (item.deadline - today).days
    return items


def with_post(qs: QuerySet) -> QuerySet:
    """Rectifications with their post (if any) and its holder, the post joined within the
    rectification's province in the join's ``ON`` (``core.provinces.outer``: on Citus a
    co-located outer join, docs/scale.md 5). Read them through ``posts_of``."""
    return qs.annotate(post_here=provinces.outer("post")).select_related("post_here__holder")


def posts_of(qs) -> list[Rectification]:
    """The rectifications of ``with_post(…)``, each with ``post`` read already."""
    return provinces.outer_rows(qs, post_here="post")


def open_rectifications_due(today: datetime.date | None = None) -> list[Rectification]:
    today = today or timezone.localdate()
    qs = (
        with_post(Rectification.objects.filter(state=RState.OPEN))
        .select_related("unit", "raised_by")
        .order_by("deadline", "pk")
    )
    return attach_days_left(posts_of(qs), today)


def overdue_rectifications(today: datetime.date | None = None) -> list[Rectification]:
    today = today or timezone.localdate()
    return [r for r in open_rectifications_due(today) if r.days_left < 0]


def open_notices_due(today: datetime.date | None = None) -> list[SupervisionNotice]:
    today = today or timezone.localdate()
    qs = (
        SupervisionNotice.objects.filter(state=NState.ISSUED)
        .select_related("unit", "issued_by")
        .order_by("deadline", "pk")
    )
    return attach_days_left(list(qs), today)


def overdue_notices(today: datetime.date | None = None) -> list[SupervisionNotice]:
    today = today or timezone.localdate()
    return [n for n in open_notices_due(today) if n.days_left < 0]


@dataclass
class UnitCounts:
    rectifications_open: int = 0
    rectifications_overdue: int = 0
    notices_open: int = 0
    notices_overdue: int = 0


def open_items_by_unit(today: datetime.date | None = None) -> dict[int, UnitCounts]:
    """unit id → counts of open and overdue rectifications and notices: two queries."""
    today = today or timezone.localdate()

    def tally(qs) -> dict[int, tuple[int, int]]:
        rows = qs.values("unit_id").annotate(n=Count("pk"), late=Count("pk", filter=Q(deadline__lt=today)))
        return {row["unit_id"]: (row["n"], row["late"]) for row in rows}

    rectifications = tally(Rectification.objects.filter(state=RState.OPEN))
    notices = tally(SupervisionNotice.objects.filter(state=NState.ISSUED))
    return {
        unit: UnitCounts(*rectifications.get(unit, (0, 0)), *notices.get(unit, (0, 0)))
        for unit in rectifications.keys() | notices.keys()
    }


# ---------------------------------------------------------------------------------------
# Lists for the pages; filters come from the URL.


def filter_rectifications(qs: QuerySet, *, state: str = "", unit=None, overdue: bool = False, today=None) -> QuerySet:
    today = today or timezone.localdate()
    if state in RState.values:
        qs = qs.filter(state=state)
    if unit is not None:
        qs = qs.filter(unit=unit)
    if overdue:
        qs = qs.filter(state=RState.OPEN, deadline__lt=today)
    # Being rectified first, then waiting for verification, then closed; soonest deadline first.
    step = Case(When(state=RState.OPEN, then=0), When(state=RState.REPORTED, then=1), default=2)
    # Its post (if any) within its province; read the rows through ``posts_of``.
    return with_post(qs).select_related("unit", "raised_by").order_by(step, "deadline", "pk")


def filter_notices(qs: QuerySet, *, state: str = "", unit=None, overdue: bool = False, today=None) -> QuerySet:
    today = today or timezone.localdate()
    if state in NState.values:
        qs = qs.filter(state=state)
    if unit is not None:
        qs = qs.filter(unit=unit)
    if overdue:
        qs = qs.filter(state=NState.ISSUED, deadline__lt=today)
    step = Case(When(state=NState.ISSUED, then=0), When(state=NState.REPLIED, then=1), default=2)
    return qs.select_related("unit", "issued_by").order_by(step, "-year", "-number")
