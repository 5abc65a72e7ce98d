"""The secretary's home with work records (履责纪实, issue 13): 50 records per branch in
the current half at the bench's scale (province: 2,000 units), each counting for the
branch duty of its type, then 我的责任's server time and queries — the counts against the
rules read in two grouped queries, however many records there are."""

from bench.registry import measurement

PER_BRANCH = 50


def make_records(*, cast, per_branch: int = PER_BRANCH) -> int:
    """``per_branch`` recorded records in each branch, spread over the half up to today and
    over the counted types; each counts for the duty of its type (the record's ``duties``)."""
    import datetime

    from django.utils import timezone

    from responsibilities.models import Duty, Unit, UnitKind
    from worklog import compliance
    from worklog.models import WorkRecord

    today = timezone.localdate()
    start, _end = compliance.half_of(today)
    span = max(1, (today - start).days)
    duties = list(
        Duty.objects.filter(checklist__year=start.year, active=True, subject="branch")
        .exclude(record_type="")
        .order_by("code")
    )
    kinds = [d.record_type for d in duties] or ["other"]
    duty_of = {d.record_type: d.pk for d in duties}
    Through = WorkRecord.duties.through
    made = 0
    branch_ids = list(Unit.objects.filter(kind=UnitKind.BRANCH).order_by("pk").values_list("pk", flat=True))
    for first in range(0, len(branch_ids), 200):
        rows = [
            WorkRecord(
                unit_id=unit_id, kind=kinds[n % len(kinds)],
                held_on=start + datetime.timedelta(days=n * span // per_branch),
                topic=f"第{n + 1}次活动", present=9, expected=10, state=WorkRecord.State.RECORDED,
                recorded_by_id=cast.secretary.pk,
            )
            for unit_id in branch_ids[first : first + 200]
            for n in range(per_branch)
        ]  # fmt: skip
        WorkRecord.objects.bulk_create(rows, batch_size=5000)
        Through.objects.bulk_create(
            [Through(workrecord_id=r.pk, duty_id=duty_of[r.kind]) for r in rows if r.kind in duty_of], batch_size=5000
        )
        made += len(rows)
    return made


@measurement(order=65)
def records(context) -> dict:
    from django.test import Client
    from django.urls import reverse

    from bench.registry import stopwatch
    from bench.timing import time_page

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(context.cast.secretary)
    home = reverse("assessments:my_reports")
    runs = context.options.get("runs", 30)
    before = time_page(client, home, runs=runs)  # the same page, no record yet: the baseline
    with stopwatch() as elapsed:
        made = make_records(cast=context.cast)
    timed = time_page(client, home, runs=runs)
    page = client.get(home).content.decode()
    return {
        "records_made": made,
        "records_made_seconds": f"{elapsed():.1f}",
        "home_with_records_shows_counts": "yes" if "mz-tally" in page else "no",
        "home_without_records_p50_ms": f"{before['p50']:.1f}",
        "home_with_records_p50_ms": f"{timed['p50']:.1f}",
        "home_with_records_p95_ms": f"{timed['p95']:.1f}",
        "home_with_records_queries": timed["queries"],
    }
