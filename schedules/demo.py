"""The demo's past: the half-year before the demo period, reviewed and closed with its
scores, so that the dashboard's ranking and trend have something to show. Closing a period
is this app's job (``jobs.close_period``), so the step is made here.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from assessments.demo import CONTENT, current_half
from assessments.models import Half, Period, Report, UnitPlan
from assessments.services import open_period
from core import provinces
from core.demo import DemoOutcome
from responsibilities.models import Checklist, Unit, UnitKind
from responsibilities.services import copy_checklist

from .jobs import close_period


def previous_half(year: int, half: int) -> tuple[int, int]:
    return (year, Half.FIRST) if half == Half.SECOND else (year - 1, Half.SECOND)


# How the last half-year went, unit by unit: (share approved, grade, share late, locked).
# Different on purpose, so that the ranking (晾晒) and the heatmap have something to say.
HISTORY = ["excellent", "good", "good", "fair", "excellent", "fair", "poor", "good"]
# Each branch's plan for the next half year (下半年工作打算), printed in the hearing pack.
PLANS = [
    "下半年重点抓好“三会一课”质量提升，每季度开展一次主题党日，年底前完成党员民主评议。",
    "围绕中心工作开展专题学习研讨两次，书记讲党课一次，补齐佐证材料归档短板。",
    "落实谈心谈话全覆盖，健全支部工作台账，按时完成半年度各项报告。",
]


def _last_years_checklist(year: int, this_year: int) -> None:
    """In the first half of a year the half before is last year's second: `make data`
    loads this year's checklist only (copied forward from 2020), so the past shown is
    made on a copy of it, published as a loaded checklist is. Without it the demo had no
    closed half-year from January to June (no ranking, trend or 31 March report)."""
    if year == this_year or Checklist.objects.filter(year=year).exists():
        return
    if not Checklist.objects.filter(year=this_year).exists():
        return  # no checklist at all: no past to show
    copied, _duties, _assignments = copy_checklist(from_year=this_year, to_year=year)
    Checklist.objects.filter(pk=copied.pk).update(status=Checklist.Status.PUBLISHED)


def load_demo_history(today: datetime.date | None = None) -> dict | None:
    """The half-year before the demo period, already reviewed and closed with its scores,
    so that the dashboard's ranking and trend show a past. Written straight into the
    report rows (it is a picture of the past, not a story played through the services);
    made once — a second run finds the period and changes nothing."""
    today = today or timezone.localdate()
    year, half = previous_half(*current_half(today))
    if Period.objects.filter(year=year, half=half).exists():
        return None
    with transaction.atomic():
        _last_years_checklist(year, today.year)
        period = Period.objects.create(year=year, half=half, **Period.default_dates(year, half))
        open_period(period=period)
        if not period.reports.exists():  # no checklist for that year: no past to show
            period.delete()
            return None
        units = list(Unit.objects.filter(reports__period=period).distinct().order_by("path"))
        for n, unit in enumerate(units):
            grade = HISTORY[n % len(HISTORY)]
            reports = list(period.reports.filter(unit=unit).order_by("pk").values_list("pk", flat=True))
            locked = reports[-1:] if grade == "poor" else []
            late = reports[:2] if grade in ("fair", "poor") else []
            submitted = timezone.make_aware(datetime.datetime.combine(period.due_on, datetime.time(17)))
            done = [pk for pk in reports if pk not in locked]
            Report.objects.filter(pk__in=done).update(
                state=Report.State.APPROVED,
                content=CONTENT,
                self_assessment="good",
                grade=grade,
                submitted_at=submitted,
                reviewed_at=submitted + datetime.timedelta(days=5),
                reviewer=unit.liaison,  # the current holder of its liaison post
            )
            Report.objects.filter(pk__in=late).update(late=True, submitted_at=submitted + datetime.timedelta(days=3))
            # Their submitters' provinces, as ``submit_report`` notes them (responsibilities.FiledIn).
            filed = Report.objects.filter(pk__in=done).values_list("responsible_id", "province_id").distinct()
            provinces.note_filed(filed.order_by())
            Report.objects.filter(pk__in=locked).update(state=Report.State.LOCKED)
            if unit.kind == UnitKind.BRANCH and grade != "poor":  # a unit locked out wrote no plan
                UnitPlan.objects.create(period=period, unit=unit, text=PLANS[n % len(PLANS)])
    summary = close_period(period_id=period.pk)
    return {"period": period, "units": summary.units if summary else 0}


def demo_step(*, year: int) -> DemoOutcome | None:
    history = load_demo_history()
    if not history:
        return None
    return DemoOutcome(summary=f"{history['period']} reviewed and closed, {history['units']} units scored")
