import datetime

import pytest
from django.utils import timezone

from assessments.models import Half, Period, Report
from assessments.services import open_period


@pytest.fixture
def period(cast):
    """An open period of the current checklist year, due two weeks from today."""
    today = timezone.localdate()
    made = Period.objects.create(
        year=cast.checklist.year,
        half=Half.FIRST,
        opens_on=today - datetime.timedelta(days=20),
        due_on=today + datetime.timedelta(days=14),
        grace_days=5,
        review_due_on=today + datetime.timedelta(days=30),
    )
    open_period(period=made)
    made.refresh_from_db()
    return made


@pytest.fixture
def report_a(cast, period):
    """A draft report of unit A (whose liaison is ``cast.leader``)."""
    return Report.objects.filter(period=period, unit=cast.unit_a).select_related("assignment__duty").first()


@pytest.fixture
def report_b(cast, period):
    return Report.objects.filter(period=period, unit=cast.unit_b).first()
