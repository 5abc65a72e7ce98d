"""The four daily jobs (DESIGN.md, "Schedules"), each a service taking ``today`` — a date
in Asia/Shanghai — so a whole half year can be replayed day by day (run_schedule).

Each is safe to run twice and to resume after a crash: periods open through the same
batched, conflict-ignoring service as by hand; reminders and escalations claim their rows
under unique constraints; reports lock in batches under their row locks and a second lock
is a no-op; a period closes under a row lock with its scores in the same transaction.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import roles
from accounts.models import User
from assessments.models import Period, Report
from assessments.services import closing_day, lock_reports, open_period, opening_day
from core.background import queue
from notifications.services import notify
from scoring.services import ScoreSummary, compute_scores

from .common import AfterBatch, JobResult, first_url
from .escalation import escalate_overdue
from .reminders import send_reminders

LOCK_BATCH = 500


def open_periods(*, today: datetime.date, after_batch: AfterBatch | None = None, batch_size: int = 5000) -> JobResult:
    """Open every scheduled period whose open date has come (一、三: 每半年): its reports are
    created in batches by ``assessments.services.open_period``, and it is marked open only
    after the last batch, so a crashed run is finished by the next."""
    result = JobResult("open_periods")
    # A period with a quarterly duty opens before its open date when the first quarter's
    # sub-deadline needs it (``opening_day``); the few scheduled periods are each asked.
    horizon = today + datetime.timedelta(days=366)
    scheduled = Period.objects.filter(state=Period.State.SCHEDULED, opens_on__lte=horizon).order_by("opens_on", "pk")
    due = [period for period in scheduled if opening_day(period) <= today]
    for period in due:
        opened = open_period(
            period=period,
            batch_size=batch_size,
            after_batch=(lambda n: after_batch(n, None)) if after_batch else None,
        )
        result.add("periods opened")
        result.add("reports created", opened.created)
        result.say(
            _("%(period)s: %(created)d reports created, %(existing)d already there"),
            period=period,
            created=opened.created,
            existing=opened.existing,
        )
    return result


logger = logging.getLogger(__name__)


def leaders() -> list[User]:
    return list(User.objects.filter(groups__name=roles.LEADER, is_active=True).order_by("pk").distinct())


def close_period(*, period_id: int) -> ScoreSummary | None:
    """Open → closed, with the unit scores computed and leadership told, all in one
    transaction under the period's row lock: a second call, or a concurrent one, finds
    the period closed and does nothing (returns None)."""
    with transaction.atomic():
        period = Period.objects.select_for_update().get(pk=period_id)
        if period.state != Period.State.OPEN:
            return None
        summary = compute_scores(period=period)
        period.state = Period.State.CLOSED
        period.closed_at = timezone.now()
        period.save(update_fields=["state", "closed_at"])
        notify(
            recipients=leaders(),
            kind="period_closed",
            template="period_closed",
            context={"period": period, "summary": summary},
            url=first_url("scoring:scores") + f"?period={period.pk}",
        )
        # The semiannual hearing pack (一、三 每半年听取一次党建工作汇报) is built by a
        # worker once the close is committed; leadership is told when it is ready.
        transaction.on_commit(lambda: queue_hearing_pack(period.pk))
        # Each close anchors the audit trail outside the database (audit/anchors.py).
        transaction.on_commit(lambda: queue_audit_anchor(period.pk))
    return summary


def queue_hearing_pack(period_id: int) -> None:
    try:
        queue("dashboard.tasks.build_hearing_pack_task", period_id)
    except Exception as exc:  # the broker is down: the close stands; an admin can export by hand
        logger.warning("hearing pack of period %s not queued: %s", period_id, exc)


def queue_audit_anchor(period_id: int) -> None:
    try:
        queue("audit.write_anchor", f"close:{period_id}")
    except Exception as exc:  # the broker is down: the day's anchor follows tonight
        logger.warning("audit anchor at the close of period %s not queued: %s", period_id, exc)


def lock_and_close(*, today: datetime.date, after_batch: AfterBatch | None = None) -> JobResult:
    """From the day after due date + grace, lock every draft or returned report that has
    no admin's waiver and is not within the days given to answer a return (one event
    each, 留痕); after the review-due date, and once no return is still being answered,
    close the period and store its scores."""
    result = JobResult("lock_and_close")
    for period in Period.objects.filter(state=Period.State.OPEN).order_by("due_on", "pk"):
        # Each report by its own due date (a quarterly duty's first quarter locks in April,
        # an annual one due 31 March in April): locked from the day after due + grace.
        last_due = today - datetime.timedelta(days=period.grace_days + 1)
        rows = list(
            Report.objects.filter(period=period, state__in=Report.EDITABLE, lock_waived=False, due_on__lte=last_due)
            .exclude(resubmit_by__gte=today)  # still in the days given to answer a return
            .order_by("province_id", "pk")
            .values_list("province_id", "pk")
        )
        by_province: dict[int, list[int]] = {}
        for province, pk in rows:
            by_province.setdefault(province, []).append(pk)
        locked = done = 0
        # A batch a transaction: a crash loses (and the next run redoes) at most one. A batch
        # holds one province's reports, named in its lock: on Citus one shard's transaction.
        for province, ids in by_province.items():
            for start in range(0, len(ids), LOCK_BATCH):
                batch = ids[start : start + LOCK_BATCH]
                locked += len(lock_reports(period_id=period.pk, report_ids=batch, today=today, province_id=province))
                done += len(batch)
                if after_batch is not None:
                    after_batch(done, len(rows))
        if locked:
            result.add("reports locked", locked)
            result.say(_("%(period)s: %(n)d reports locked"), period=period, n=locked)
        # A return on the last review days keeps the period open until its window ends,
        # so the answer is scored as filed (DESIGN.md, "Report life"); reports due after
        # the period's date (an annual duty due 31 March) keep it open past their own.
        answering = period.reports.filter(state=Report.State.RETURNED, resubmit_by__gte=today).exists()
        if today > closing_day(period) and not answering:
            summary = close_period(period_id=period.pk)
            if summary is not None:
                result.add("periods closed")
                result.say(f"{period.year} H{period.half}: closed; {summary.units} units scored, mean {summary.mean}")
    return result


# Every job by name, in the order of a day (open at night, lock at night, remind in the
# morning, escalate after): ``run_schedule all`` runs them in this order.
JOBS: dict[str, Callable[..., JobResult]] = {
    "open_periods": open_periods,
    "lock_and_close": lock_and_close,
    "send_reminders": send_reminders,
    "escalate_overdue": escalate_overdue,
}


def run_job(name: str, *, today: datetime.date, after_batch: AfterBatch | None = None) -> list[JobResult]:
    """Run one job, or ``all`` of them in the order of a day, as of ``today``."""
    names = list(JOBS) if name == "all" else [name]
    return [JOBS[n](today=today, after_batch=after_batch) for n in names]
