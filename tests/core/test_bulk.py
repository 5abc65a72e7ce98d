"""core.bulk.insert_rows sends each column as one PostgreSQL array literal: every value must
come back as it went in — quotes, backslashes, braces, commas, the word NULL, empty and
blank strings, line breaks, Chinese — with None as SQL NULL, in the order given, and a
unique constraint's refusal either skipped (ignore_conflicts) or raised."""

import datetime
import gc
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from core.bulk import array_literal, collector_paused, insert_rows
from notifications.models import Notification
from schedules.models import ReminderStage
from tests.factories import UnitFactory, UserFactory
from tests.services import need_postgres

pytestmark = pytest.mark.django_db

NASTY = [
    'say "hi"',
    'back\\slash \\" both',
    "{braces},[brackets]",
    "a,b,c",
    "NULL",
    "null",
    "",
    "  blank around  ",
    "line one\nline two\ttab",
    "整改通知：请于 3 月 31 日前报送（第一季度）",
    "\\",
    '"',
]


def test_awkward_strings_and_nulls_come_back_as_they_went_in_in_order():
    need_postgres()
    person = UserFactory()
    at = datetime.datetime(2026, 3, 31, 9, 0, tzinfo=datetime.UTC)
    rows = [
        (person.pk, "k", text[:200], text[::-1], f"/u/{n}", at, None if n % 2 else at + datetime.timedelta(hours=n))
        for n, text in enumerate(NASTY)
    ]
    insert_rows(Notification, ("recipient_id", "kind", "title", "body", "url", "created_at", "read_at"), rows)
    got = Notification.objects.filter(recipient=person).order_by("pk")
    assert list(got.values_list("title", "body", "url", "created_at", "read_at")) == [row[2:] for row in rows]


def test_dates_numbers_and_a_refused_row():
    need_postgres()
    unit = UnitFactory()
    day = datetime.date(2026, 3, 31)
    columns = ("province_id", "item_type", "item_id", "stage", "stage_day", "day")
    rows = [(unit.province_id, "report", n, "t14", day - datetime.timedelta(days=n), day) for n in range(1, 6)]
    insert_rows(ReminderStage, columns, rows)
    stored = ReminderStage.objects.order_by("pk").values_list("item_id", "stage_day", "day")
    assert list(stored) == [(n, sd, d) for _p, _t, n, _s, sd, d in rows]
    # The same (province, item, stage) again: skipped with ignore_conflicts, refused without.
    insert_rows(
        ReminderStage, columns, [rows[0], (unit.province_id, "report", 99, "t7", day, day)], ignore_conflicts=True
    )
    assert ReminderStage.objects.count() == 6
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_rows(ReminderStage, columns, [(unit.province_id, "report", 100, "t7", day, day), rows[1]])
    assert ReminderStage.objects.count() == 6


def test_array_literal_text():
    at = datetime.datetime(2026, 3, 31, 9, 0, tzinfo=datetime.UTC)
    values = [1, None, 'a"b', True, Decimal("1.50"), datetime.date(2026, 3, 31), at, "NULL", ""]
    assert array_literal(values) == '{1,NULL,"a\\"b",t,1.50,2026-03-31,"2026-03-31 09:00:00+00:00","NULL",""}'
    assert array_literal([3, 2, 1]) == "{3,2,1}"


def test_the_collector_is_paused_for_the_outermost_job_and_left_as_it_was():
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner job leaves it to the outer
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("the job failed")
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()  # paused by someone else before: still paused
    finally:
        gc.enable()
