"""The end of the open period: locking what was not handed in (a sample, in batches as the
nightly job does it, timed per thousand), scoring every unit, then the close
itself — the scores again (replacing the first), the state and leadership told in one
transaction (DESIGN.md target at ten times province scale: close and score ≤ 60 s)."""

from bench.registry import measurement, stopwatch

LOCK_SAMPLE = 2000


@measurement(order=90)
def close(context) -> dict:
    from assessments.models import Report
    from assessments.services import lock_reports
    from schedules.jobs import LOCK_BATCH, close_period
    from scoring.services import compute_scores

    period = context.period
    figures = {}
    editable = Report.objects.filter(period=period, state__in=Report.EDITABLE, lock_waived=False)
    waiting = editable.count()
    sample = list(editable.order_by("pk").values_list("pk", flat=True)[:LOCK_SAMPLE])
    with stopwatch() as elapsed:
        for start in range(0, len(sample), LOCK_BATCH):
            lock_reports(period_id=period.pk, report_ids=sample[start : start + LOCK_BATCH])
    if sample:
        per_thousand = elapsed() / len(sample) * 1000
        figures["lock_reports_sampled"] = len(sample)
        figures["lock_seconds_per_1000"] = round(per_thousand, 2)
        figures["lock_all_estimated_seconds"] = round(per_thousand * waiting / 1000, 1)
        figures["lock_all_reports"] = waiting
    reports = period.reports.count()
    with stopwatch() as elapsed:
        summary = compute_scores(period=period)
    figures[f"compute_scores_seconds_{reports}"] = round(elapsed(), 2)
    figures["scored_units"] = summary.units
    with stopwatch() as elapsed:
        closed = close_period(period_id=period.pk)
    figures[f"close_and_score_seconds_{reports}"] = round(elapsed(), 2)
    figures["close_and_score_closed"] = "yes" if closed is not None else "no"
    return figures
