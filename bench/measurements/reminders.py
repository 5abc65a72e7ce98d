"""The T-14 deadline reminders over the open period, every report still a draft: one
notification per person (2,000 at province scale, 20,000 at ten times), then their e-mails
delivered to a local SMTP server (bench/mailsink.py) by the same function the worker runs
(DESIGN.md target at ten times province scale: reminders to 20,000 people ≤ 60 s, each
once)."""

import datetime

from bench.registry import measurement, stopwatch


@measurement(order=20)
def reminders(context) -> dict:
    from django.test.utils import override_settings

    from bench import recipients
    from bench.mailsink import MailSink
    from notifications.services import send_emails
    from schedules.models import SentReminder
    from schedules.reminders import send_reminders

    period = context.period
    today = period.due_on - datetime.timedelta(days=14)
    # Each read of the notifications names its recipients (bench/recipients.py).
    everyone = recipients.people()
    before = recipients.last_id(everyone)
    with stopwatch() as elapsed:
        result = send_reminders(today=today)
    job = elapsed()
    told = recipients.told(everyone, pk__gt=before)
    ids = [pk for pk, _person in told]
    people = len(ids)
    distinct = len({person for _pk, person in told})
    figures = {
        f"send_reminders_seconds_{people}": round(job, 2),
        "send_reminders_people": result.counts.get("people told", 0),
        "send_reminders_items": result.counts.get("items named", 0),
        "send_reminders_each_once": "yes" if distinct == people else f"no ({people} notifications, {distinct} people)",
    }
    with stopwatch() as elapsed:
        again = send_reminders(today=today)
    figures["send_reminders_again_seconds"] = round(elapsed(), 2)
    figures["send_reminders_again_people"] = again.counts.get("people told", 0)
    figures["sent_reminder_rows"] = SentReminder.objects.count()

    with MailSink() as sink, override_settings(**sink.settings()):
        with stopwatch() as elapsed:
            sent = send_emails(ids, [person for _pk, person in told], paired=True)
        seconds = elapsed()
        delivered = sink.wait_for(sent)
        figures[f"reminder_emails_seconds_{people}"] = round(seconds, 2)
        figures["reminder_emails_sent"] = sent
        figures["reminder_emails_delivered"] = delivered
        figures["reminder_emails_smtp_connections"] = sink.connections()
    figures[f"reminders_with_emails_seconds_{people}"] = round(job + seconds, 2)
    return figures
