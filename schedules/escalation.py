"""Overdue escalation: 真管真严 (三) — a red item is told to the people who answer for it.

On the first day a report is overdue (the first run that sees it overdue) its responsible
person and the unit's liaison leader are told, once each; rectifications and notices
overdue are told to the people their source names. The stage is recorded by (item,
"overdue") in ``ReminderStage``, so it is sent once, late if that day's run was missed.
On Mondays every leader gets a digest of the red items, unit by unit.
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Count

from accounts import roles
from accounts.models import User
from assessments.models import Period, Report
from notifications.services import notify
from responsibilities import access
from responsibilities.models import Unit

from .common import AfterBatch, JobResult, first_url
from .models import DigestSent, ReminderStage, SentReminder
from .reminders import (
    PEOPLE_PER_BATCH,
    REPORT_COLUMNS,
    ReminderItem,
    deliver_all,
    reminder_sources,
    report_reminder_items,
    report_url,
    with_quarter,
)

MONDAY = 0


def overdue_report_items(*, today: datetime.date) -> list[tuple[int, ReminderItem]]:
    """(person id, item) for each unsubmitted report past its due date that was not
    escalated on an earlier day: to the post holder, whoever was responsible, and the
    unit's liaison leader."""
    escalated_before = SentReminder.objects.filter(
        kind=SentReminder.Kind.OVERDUE, item_type="report", day__lt=today
    ).values("item_id")
    rows = (
        Report.objects.filter(period__state=Period.State.OPEN, due_on__lt=today, state__in=Report.UNSUBMITTED)
        .exclude(pk__in=escalated_before)
        # A report answering a return has its own days (DESIGN.md, "Report life"): overdue only after them.
        .exclude(state=Report.State.RETURNED, resubmit_by__gte=today)
        .annotate(
            liaison_post_id=access.liaison_post("unit"),
            liaison_province_id=access.liaison_post("unit", "post_province_id"),
        )
        .order_by("pk")
        .values_list(*REPORT_COLUMNS, "liaison_post_id", "liaison_province_id")
    )
    rows = list(rows)
    units = Unit.objects.in_bulk({row[2] for row in rows})
    # Who holds each unit's liaison post: the posts read apart by id within their provinces
    # (a liaison's post may lie in another province, core.province_keys.CROSSING), one query.
    holders = access.liaison_holders(row[-2:] for row in rows)
    url = report_url()
    pairs = []
    for pk, due_on, unit_id, code, title, holder, responsible, quarter, liaison_post, _province in rows:
        liaison = holders.get(liaison_post)
        item = ReminderItem(
            item_type="report",
            item_id=pk,
            person_id=holder or responsible or liaison or 0,
            due_on=due_on,
            unit=units.get(unit_id),
            code=code,
            title=with_quarter(title, quarter),
            url=url(pk),
        )
        for person_id in dict.fromkeys(p for p in (holder, responsible, liaison) if p):
            pairs.append((person_id, item))
    return pairs


OVERDUE_LOOKBACK = 366


def overdue_other_items(*, today: datetime.date) -> list[tuple[int, ReminderItem]]:
    """(person id, item) for the other reminder sources' items (rectifications, notices)
    past their due date, to the people the source names; the stage record keeps each to
    its first overdue day (or the first run after it)."""
    return [
        (item.person_id, item)
        for source in reminder_sources()
        if source is not report_reminder_items
        for item in source(today=today, days_before=range(-OVERDUE_LOOKBACK, 0))
    ]


def red_items_by_unit(*, today: datetime.date) -> list[dict]:
    """Unsubmitted reports past their due date in open periods, counted per unit, in tree order."""
    counts = (
        Report.objects.filter(period__state=Period.State.OPEN, due_on__lt=today, state__in=Report.UNSUBMITTED)
        .values("unit_id")
        .annotate(n=Count("id"))
    )
    by_unit = {row["unit_id"]: row["n"] for row in counts}
    units = access.with_liaisons(Unit.objects.filter(pk__in=list(by_unit)).order_by("path"))
    return [{"unit": unit, "count": by_unit[unit.pk]} for unit in units]


def send_digest(*, today: datetime.date, result: JobResult) -> None:
    """Monday: every active leader gets one digest of the red items by unit, once a day."""
    rows = red_items_by_unit(today=today)
    if not rows:
        return
    total = sum(row["count"] for row in rows)
    leaders = User.objects.filter(groups__name=roles.LEADER, is_active=True).order_by("pk").distinct()
    url = first_url("dashboard:index", "home")
    for leader in leaders:
        mine = [
            dict(row, yours=row["unit"].liaison is not None and row["unit"].liaison.pk == leader.pk) for row in rows
        ]
        try:
            with transaction.atomic():
                claim = DigestSent.objects.create(person=leader, day=today, items=total)
                made = notify(
                    recipients=[leader],
                    kind="red_digest",
                    template="red_digest",
                    context={"rows": mine, "total": total, "today": today, "person": leader},
                    url=url,
                )
                if made:
                    claim.notification = made[0]
                    claim.save(update_fields=["notification"])
        except IntegrityError:
            continue  # already sent today
        result.add("digests")


def escalate_overdue(
    *, today: datetime.date, after_batch: AfterBatch | None = None, batch_size: int = PEOPLE_PER_BATCH
) -> JobResult:
    """Tell each responsible person and liaison leader, once, of reports newly overdue;
    on Mondays send leadership the digest of red items by unit."""
    result = JobResult("escalate_overdue")
    deliver_all(
        items=overdue_report_items(today=today) + overdue_other_items(today=today),
        stages=[ReminderStage.Stage.OVERDUE],
        today=today,
        kind=SentReminder.Kind.OVERDUE,
        template="overdue_escalation",
        result=result,
        after_batch=after_batch,
        batch_size=batch_size,
    )
    if today.weekday() == MONDAY:
        send_digest(today=today, result=result)
    return result
