"""Fill the load database (`python -m load` runs this in its own process): the bench's
organization (bench/data.py: LOAD_UNITS units, every account's password ``bench``) with
LOAD_LEADERS leaders and LOAD_ADMINS admins, the current half-year opened by the real
service and ten periods of history (bench/history.py; LOAD_CLOSED_PERIODS closed ones, 9
by default, none in the rehearsal) — at the deadline most of the open
period is still to be written, so each simulated secretary has work for the whole run.

Then it leaves a clean slate for the checks after the run: every notification made so far
counts as e-mailed, and the marks (the last notification and export before the run) are
written to LOAD_MARKS as JSON for load/verify.py.
"""

import json
import os
import sys


def main() -> None:
    from bench import database

    database.setup(fresh=True, suffix="load")
    from django.utils import timezone

    from assessments.models import Evidence, Period, ReportEvent
    from assessments.services import open_period
    from bench import data, history, recipients
    from dashboard.models import Export

    units = int(os.environ.get("LOAD_UNITS", "2000"))
    seed = int(os.environ.get("LOAD_SEED", "2026"))
    made = data.generate(
        seed=seed,
        units=units,
        leaders=int(os.environ.get("LOAD_LEADERS", "25")),
        admins=int(os.environ.get("LOAD_ADMINS", "5")),
    )
    today = timezone.localdate()
    year, half = history.current_half(today)
    period = open_period(period=Period.objects.create(year=year, half=half, **history.open_dates(today))).period
    # Three days before the deadline of a rush: four in five reports still to write.
    states = [("draft", 80), ("submitted", 10), ("approved", 5), ("returned", 5)]
    closed = int(os.environ.get("LOAD_CLOSED_PERIODS", "9"))
    history.make(
        period=period, seed=seed, admin_id=made.admin_id, closed=closed, open_states=states, out=lambda line: None
    )
    # Each read of the notifications names its recipients (bench/recipients.py): the
    # people are read first.
    everyone = recipients.people()
    recipients.mark_emailed(everyone, timezone.now())
    from accounts import roles
    from accounts.models import User
    from responsibilities.models import Post

    # Each simulated secretary in a branch of their own (the first thousand branches).
    secretaries = Post.objects.filter(unit__kind="branch", kind="secretary", holder__isnull=False)
    people = User.objects.filter(is_active=True).order_by("username")
    accounts = {
        "secretary": list(secretaries.order_by("unit__path").values_list("holder__username", flat=True)[:1000]),
        "leader": list(people.filter(groups__name=roles.LEADER).values_list("username", flat=True)),
        "admin": list(people.filter(groups__name=roles.ADMIN).values_list("username", flat=True)),
    }
    marks = {
        "notification": recipients.last_id(everyone),
        "export": Export.objects.order_by("-pk").values_list("pk", flat=True).first() or 0,
        "evidence": Evidence.objects.order_by("-pk").values_list("pk", flat=True).first() or 0,
        "event": ReportEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0,
        "period": period.pk,
        "units": made.units,
        "reports": period.reports.count(),
        "accounts": accounts,
    }
    with open(os.environ["LOAD_MARKS"], "w") as handle:
        json.dump(marks, handle)
    print(f"load data: {made.units} units, {marks['reports']} reports in the open period", file=sys.stderr)


if __name__ == "__main__":
    main()
