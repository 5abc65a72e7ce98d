"""The bench's and `make load`'s reads of notifications name their recipients (docs/scale.md
5, item 11: the table is distributed by ``recipient_id`` on Citus), as the application's do
(tests/notifications/test_distribution.py): the reminders' measurement, the load's marks
and its check after the run. What they report is what they reported reading by id alone."""

import io
import json
from contextlib import redirect_stdout

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench import recipients
from bench.registry import Context
from notifications.models import Notification
from tests.notifications.test_distribution import TABLE, tell, touched, without_the_recipient

pytestmark = pytest.mark.django_db


def test_the_tools_reads_name_the_recipients_and_find_what_a_read_by_id_finds(cast, monkeypatch):
    tell(cast.secretary_a, 3)
    tell(cast.leader, 2)
    monkeypatch.setattr(recipients, "BATCH", 2)  # several batches of people, as at scale
    everyone = recipients.people()
    with CaptureQueriesContext(connection) as queries:
        last = recipients.last_id(everyone)
        told = recipients.told(everyone, pk__gt=0)
        waiting = recipients.count(everyone, emailed_at__isnull=True)
        marked = recipients.mark_emailed(everyone, timezone.now())
    assert last == Notification.objects.order_by("-pk").values_list("pk", flat=True).first()
    assert told == sorted(Notification.objects.values_list("pk", "recipient_id"))
    assert waiting == marked == 5 and not Notification.objects.filter(emailed_at__isnull=True).exists()
    assert touched(queries) >= 4 * 2 and without_the_recipient(queries) == []


def test_the_reminders_measurement_names_the_recipients(cast, period):
    """The T-14 reminders of the bench (bench/measurements/reminders.py): one notification
    per person, each once, every e-mail delivered to the local SMTP server."""
    from bench.measurements.reminders import reminders

    with CaptureQueriesContext(connection) as queries:
        figures = reminders(Context(seed=1, data=None, period=period))
    people = figures["send_reminders_people"]
    assert people > 0 and figures["send_reminders_each_once"] == "yes"
    assert figures["reminder_emails_sent"] == figures["reminder_emails_delivered"] > 0
    assert touched(queries) > 0 and without_the_recipient(queries) == []


def test_the_loads_check_after_the_run_names_the_recipients(cast, tmp_path, monkeypatch):
    """load/verify.py: the run's notifications (those after prepare's mark) and the e-mails
    they should have sent, counted by recipient."""
    from load import verify

    tell(cast.secretary_a, 2)
    mark = recipients.last_id(recipients.people())
    tell(cast.secretary_a, 2)
    tell(cast.leader, 1)
    Notification.objects.filter(pk__gt=mark).update(emailed_at=timezone.now())
    marks = tmp_path / "marks.json"
    marks.write_text(json.dumps({"notification": mark, "export": 0, "evidence": 0, "event": 0}))
    monkeypatch.setenv("LOAD_MARKS", str(marks))
    monkeypatch.setenv("LOAD_DRAIN_SECONDS", "0")
    out = io.StringIO()
    with CaptureQueriesContext(connection) as queries, redirect_stdout(out):
        verify.main()
    result = json.loads(out.getvalue())
    assert result["notifications"] == 3 and result["notifications_not_emailed"] == 0
    assert result["emails_expected"] == sorted([cast.secretary_a.email] * 2 + [cast.leader.email])
    assert any(f'"{TABLE}"' in q["sql"] for q in queries) and without_the_recipient(queries) == []
