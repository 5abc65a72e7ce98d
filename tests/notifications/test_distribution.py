"""Notifications are distributed by their recipient on Citus (issue 16 item 5, docs/scale.md
section 5): a person's page, bell and mark-read actions read that person's rows only, so
each query of the table names ``recipient_id`` — one shard. Each action's SQL is captured
here, and a query of the table without the recipient fails the test."""

import datetime
import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notifications.models import Notification
from notifications.services import notify, send_emails, send_pending_emails
from tests.api.conftest import token_client

pytestmark = pytest.mark.django_db
TABLE = "notifications_notification"


def tell(person, n=3):
    Notification.objects.bulk_create(
        Notification(recipient=person, kind="report_return", title=f"退回 {i}", body="请补充", url="/x/")
        for i in range(n)
    )


def without_the_recipient(queries) -> list[str]:
    """The queries of the notifications table that do not name the recipient: a read or
    change without ``"notifications_notification"."recipient_id" = …`` / ``IN (…)``, an
    insert without the column."""
    found = []
    for query in queries:
        sql = query["sql"]
        if sql.startswith(f'INSERT INTO "{TABLE}"'):
            if '"recipient_id"' not in sql.split(")", 1)[0]:
                found.append(sql)
        elif re.search(rf'(FROM|UPDATE) "{TABLE}"(?! [A-Z]\d)', sql) and not re.search(
            rf'"{TABLE}"\."recipient_id" (= |IN \()', sql
        ):
            found.append(sql)
    return found


def touched(queries) -> int:
    return sum(1 for q in queries if f'"{TABLE}"' in q["sql"])


def test_the_check_finds_a_query_without_the_recipient(cast):
    tell(cast.secretary_a, 1)
    with CaptureQueriesContext(connection) as queries:
        Notification.objects.filter(read_at__isnull=True).count()
        Notification.objects.filter(recipient=cast.secretary_a).count()
    assert len(without_the_recipient(queries)) == 1


def test_the_page_and_the_bell_name_the_recipient(cast, client_as):
    tell(cast.secretary_a, 35)
    client = client_as("secretary_a")
    for url in (reverse("notifications:list"), reverse("notifications:list") + "?page=2"):
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url)
        assert page.status_code == 200
        assert touched(queries) >= 3  # the bell, the count and the page, and marking them read
        assert without_the_recipient(queries) == []
    with CaptureQueriesContext(connection) as queries:  # the bell on another page
        page = client.get(reverse("responsibilities:my_duties"))
    assert page.status_code == 200 and touched(queries) == 1
    assert without_the_recipient(queries) == []


def test_marking_read_names_the_recipient(cast, client_as):
    tell(cast.secretary_a, 3)
    with CaptureQueriesContext(connection) as queries:
        answer = client_as("secretary_a").post(reverse("notifications:mark_all_read"))
    assert answer.status_code == 302
    assert touched(queries) >= 1 and without_the_recipient(queries) == []
    assert not Notification.objects.filter(recipient=cast.secretary_a, read_at__isnull=True).exists()


def test_the_apis_list_and_acknowledge_name_the_recipient(cast):
    tell(cast.secretary_a, 2)
    note = Notification.objects.filter(recipient=cast.secretary_a).first()
    client = token_client(cast.secretary_a)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/v1/notifications/?unread=1").status_code == 200
        assert client.post(f"/api/v1/notifications/{note.pk}/acknowledge/").status_code == 200
    assert touched(queries) >= 3 and without_the_recipient(queries) == []


def test_making_and_mailing_notifications_name_the_recipients(cast, django_capture_on_commit_callbacks):
    """The insert carries the column; the e-mails are read and marked within their recipients,
    whether sent by the task queued after the commit or by the sweep of the ones left over."""
    with CaptureQueriesContext(connection) as queries:
        made = notify(
            recipients=[cast.secretary_a, cast.secretary_b],
            kind="report_return",
            template="report_returned",
            context={"comment": "请补充"},
        )
        send_emails([n.pk for n in made], [cast.secretary_a.pk, cast.secretary_b.pk])
    assert len(mail.outbox) == 2
    assert touched(queries) >= 3 and without_the_recipient(queries) == []
    tell(cast.secretary_a, 2)
    with CaptureQueriesContext(connection) as queries:
        assert send_pending_emails(older_than=datetime.timedelta(0)) == 2
    # The sweep's own first read is of every recipient's unsent rows (every shard): the rest
    # name the recipients it found.
    assert len(without_the_recipient(queries)) == 1


def recipients_named(sql: str) -> int:
    """How many recipients the row lock of one batch names (its ``IN (…)`` list)."""
    found = re.search(rf'"{TABLE}"\."recipient_id" IN \(([^)]*)\)', sql)
    assert found, sql
    return len(found.group(1).split(","))


def test_each_batch_of_e_mails_names_only_its_own_recipients(cast, monkeypatch, django_capture_on_commit_callbacks):
    """A batch of e-mails locks its rows within the recipients of that batch, not within
    everyone told: at 20,000 people a batch naming all of them made the mailing grow with
    the square of the people (``reminder_emails_seconds_20000``, docs/scale.md section 4)."""
    monkeypatch.setattr("notifications.services.EMAIL_BATCH", 2)
    people = [cast.secretary_a, cast.secretary_b, cast.leader, cast.admin, cast.supervisor]
    queued = []
    monkeypatch.setattr("notifications.services.queue_emails", lambda *args, **kwargs: queued.append((args, kwargs)))
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=people, kind="report_return", template="report_returned", context={"comment": "请补充"})
    assert len(queued) == 1
    args, kwargs = queued[0]

    def batches(send) -> list[int]:
        with CaptureQueriesContext(connection) as queries:
            send()
        return [recipients_named(q["sql"]) for q in queries if "FOR UPDATE" in q["sql"] and TABLE in q["sql"]]

    named = batches(lambda: send_emails(*args, **kwargs))
    assert len(mail.outbox) == 5
    assert named and max(named) <= 2, named
    # The sweep of the e-mails left over names each batch's recipients in the same way.
    tell(cast.secretary_a, 1)
    tell(cast.leader, 1)
    tell(cast.supervisor, 1)
    named = batches(lambda: send_pending_emails(older_than=datetime.timedelta(0)))
    assert len(mail.outbox) == 8
    assert named and max(named) <= 2, named
