"""The dashboard's figures under `make bench` (bench/dashboard.py does the measuring).

To the organization of bench/data.py and the period opened by period_open it adds the
history a dashboard reads — closed periods with their reports, stored scores and score
lines, up to ten periods (600,000 reports) — then prints the dashboard, drill-down and
export figures, and requests per second under gunicorn for the secretary home against a
trivial view."""

from bench.registry import measurement, stopwatch


@measurement(order=50)
def dashboard(context) -> dict:
    from accounts import roles
    from accounts.models import User
    from assessments.models import Period, Report
    from bench.dashboard import measure
    from bench.dashboard_data import add_history
    from responsibilities.models import Assignment, Post

    year = context.data.year
    has_open = Period.objects.filter(state=Period.State.OPEN).exists()
    # Nine closed halves before the bench's year, and the open one period_open made: ten.
    halves = [(year - 5 + (n + 1) // 2, 1 + (n + 1) % 2) for n in range(9)]
    if not has_open:
        halves.append((year, 1))
    assignments = list(
        Assignment.objects.filter(active=True).order_by("pk").values_list("pk", "unit_id", "duty__category_id")
    )
    holders = dict(Post.objects.filter(kind="secretary", holder__isnull=False).values_list("unit_id", "holder_id"))
    leader = User.objects.filter(groups__name=roles.LEADER).order_by("pk").values_list("pk", flat=True).first()
    with stopwatch() as elapsed:
        made = add_history(
            rng=context.rng,
            assignments=assignments,
            holders=holders,
            reviewer_id=leader,
            halves=halves,
            open_last=None if has_open else Period.default_dates(year, 1),
            duties=30,
        )
    figures = {"dashboard_history_reports": made, "dashboard_history_seconds": round(elapsed(), 1)}
    figures["reports_total"] = Report.objects.count()

    def out(line: str) -> None:
        name, _sep, value = line.partition(": ")
        figures[name] = value

    measure(out=out)
    return figures
