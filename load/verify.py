"""After the run (`python -m load` runs this in its own process, on the web's settings):
wait until the worker has sent every e-mail and built every export the run asked for (up
to LOAD_DRAIN_SECONDS), then print as JSON what should have been delivered — one entry
per e-mail, its address — and what the run changed, counted from the marks prepare.py
left in LOAD_MARKS."""

import json
import os
import sys
import time


def main() -> None:
    import django

    django.setup()
    from accounts.models import User
    from assessments.models import Evidence, ReportEvent
    from bench import recipients
    from dashboard.models import Export

    with open(os.environ["LOAD_MARKS"]) as handle:
        marks = json.load(handle)
    # Each read of the notifications names its recipients (bench/recipients.py): the
    # people first, then the run's notifications of each batch of them.
    everyone = recipients.people()
    after = {"pk__gt": marks["notification"]}
    exports = Export.objects.filter(pk__gt=marks["export"])
    started = time.monotonic()
    deadline = started + float(os.environ.get("LOAD_DRAIN_SECONDS", "180"))
    while True:
        pending = recipients.count(everyone, emailed_at__isnull=True, **after)
        building = exports.filter(status__in=Export.ACTIVE).count()
        if (not pending and not building) or time.monotonic() > deadline:
            break
        time.sleep(1)
    events = ReportEvent.objects.filter(pk__gt=marks["event"])
    evidence = Evidence.objects.filter(pk__gt=marks["evidence"])
    told = recipients.told(everyone, **after)
    addresses = dict(User.objects.exclude(email="").values_list("pk", "email"))
    result = {
        "drain_seconds": round(time.monotonic() - started, 1),
        "notifications": len(told),
        "notifications_not_emailed": pending,
        # send_emails sends to those with an address and marks the others done.
        "emails_expected": sorted(addresses[person] for _pk, person in told if person in addresses),
        "exports_requested": exports.count(),
        "exports_done": exports.filter(status=Export.Status.DONE).count(),
        "exports_failed": exports.filter(status=Export.Status.FAILED).count(),
        "exports_unfinished": building,
        "reports_submitted": events.filter(action=ReportEvent.Action.SUBMIT).count(),
        "reports_approved": events.filter(action=ReportEvent.Action.APPROVE).count(),
        "reports_returned": events.filter(action=ReportEvent.Action.RETURN).count(),
        "evidence_uploaded": evidence.count(),
        "evidence_uploaded_mb": round(sum(evidence.values_list("size", flat=True)) / 2**20, 1),
    }
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
