"""tests/clock.py: a test run across midnight on 31 December sees one date."""

import datetime
import time

import time_machine
from django.utils import timezone

from tests import clock


def test_one_day_keeps_the_date_across_midnight_on_31_december():
    eve = datetime.datetime(2026, 12, 31, 23, 59, 59, 700000, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
    with time_machine.travel(eve, tick=True):
        with clock.one_day():
            first = timezone.localdate()
            time.sleep(0.5)
            assert timezone.localdate() == first == datetime.date(2026, 12, 31)
        time.sleep(0.1)
        assert timezone.localdate() == datetime.date(2027, 1, 1)  # without it: the next year
