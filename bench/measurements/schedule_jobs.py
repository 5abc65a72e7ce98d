"""The daily jobs over the period opened by period_open (60,000 reports): the T-14
reminders (every report unsubmitted, one notification per person) and scoring the period."""

import datetime

from bench.registry import measurement, stopwatch


@measurement(order=20)
def schedule_jobs(context) -> dict:
    from assessments.models import Half, Period
    from schedules.reminders import send_reminders
    from scoring.services import compute_scores

    period = Period.objects.get(year=context.data.year, half=Half.FIRST)
    n = period.reports.count()
    with stopwatch() as elapsed:
        result = send_reminders(today=period.due_on - datetime.timedelta(days=14))
    reminders = elapsed()
    with stopwatch() as elapsed:
        summary = compute_scores(period=period)
    scoring = elapsed()
    with stopwatch() as elapsed:
        compute_scores(period=period)
    rescoring = elapsed()
    return {
        f"send_reminders_seconds_{n}": round(reminders, 2),
        "send_reminders_people": result.counts.get("people told", 0),
        f"compute_scores_seconds_{n}": round(scoring, 2),
        f"recompute_scores_seconds_{n}": round(rescoring, 2),
        "scored_units": summary.units,
    }
