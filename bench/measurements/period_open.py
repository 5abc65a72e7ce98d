"""Opening a period of 60,000 reports (DESIGN.md target: ≤ 10 s on PostgreSQL)."""

from bench.registry import measurement, stopwatch


@measurement(order=10)
def period_open(context) -> dict:
    from assessments.models import Half, Period
    from assessments.services import open_period

    period = Period.objects.create(
        year=context.data.year, half=Half.FIRST, **Period.default_dates(context.data.year, 1)
    )
    with stopwatch() as elapsed:
        result = open_period(period=period)
    seconds = elapsed()
    return {
        f"period_open_seconds_{context.data.assignments}": round(seconds, 2),
        "period_open_reports": result.created,
        "period_open_reports_per_second": round(result.created / seconds) if seconds else 0,
    }
