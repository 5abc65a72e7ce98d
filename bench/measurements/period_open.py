"""Opening the current half-year: one report per assignment by the real service
(DESIGN.md targets: 60,000 reports ≤ 10 s; 600,000 at ten times province scale ≤ 30 s).
The period opened is the one every later measurement works in."""

from bench.registry import measurement, stopwatch


@measurement(order=10, makes_data=True)
def period_open(context) -> dict:
    from django.utils import timezone

    from assessments.models import Period
    from assessments.services import open_period
    from bench.history import current_half, open_dates

    year, half = current_half(timezone.localdate())
    period = Period.objects.create(year=year, half=half, **open_dates(timezone.localdate()))
    with stopwatch() as elapsed:
        result = open_period(period=period)
    seconds = elapsed()
    context.period = result.period
    return {
        f"period_open_seconds_{result.created}": round(seconds, 2),
        "period_open_reports": result.created,
        "period_open_reports_per_second": round(result.created / seconds) if seconds else 0,
    }
