"""Periods as an admin sets them up (考核周期): create with default dates, edit dates, open now."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from assessments.models import Period
from assessments.services import assignments_for, open_period

from . import permissions
from .common import AfterBatch


class PeriodError(ValueError):
    """A period change that cannot be made; the message is for the admin."""


@transaction.atomic
def create_period(*, actor, year: int, half: int, **dates) -> Period:
    """A scheduled period of ``year``/``half``; dates not given come from the settings'
    defaults (H1 opens 6-15, due 7-10, review by 7-31; H2 …). Refuses a second one."""
    if not permissions.can_manage_periods(actor):
        raise PermissionDenied
    if Period.objects.filter(year=year, half=half).exists():
        raise PeriodError(_("This half year already has a period; edit its dates instead."))
    values = Period.default_dates(year, half)
    values.update({k: v for k, v in dates.items() if v is not None})
    return Period.objects.create(year=year, half=half, **values)


@transaction.atomic
def update_period(*, actor, period_id: int, **dates) -> Period:
    """Change a period's dates while it is not closed (the form has checked their order)."""
    if not permissions.can_manage_periods(actor):
        raise PermissionDenied
    period = Period.objects.select_for_update().get(pk=period_id)
    if period.state == Period.State.CLOSED:
        raise PeriodError(_("A closed period's dates cannot be changed."))
    for name, value in dates.items():
        setattr(period, name, value)
    period.save(update_fields=list(dates))
    return period


def open_now(*, period: Period, today: datetime.date, after_batch: AfterBatch | None = None) -> str:
    """Open ``period`` today, whatever its open date (an admin's "open now"): its open date
    becomes today if it was later, then the same service as the schedule makes the reports."""
    if period.state != Period.State.SCHEDULED:
        return _("%(period)s is already “%(state)s”.") % {"period": period, "state": period.get_state_display()}
    Period.objects.filter(pk=period.pk, state=Period.State.SCHEDULED, opens_on__gt=today).update(opens_on=today)
    period.refresh_from_db()
    total = assignments_for(period).count()
    result = open_period(period=period, after_batch=(lambda n: after_batch(n, total)) if after_batch else None)
    return _("%(period)s: %(created)d reports created, %(existing)d already there") % {
        "period": period,
        "created": result.created,
        "existing": result.existing,
    }
