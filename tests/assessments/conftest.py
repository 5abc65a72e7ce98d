import datetime

import pytest
from django.utils import timezone

from assessments.models import Half, Period, Report
from assessments.services import open_period


def scheduled_period(cast) -> Period:
    """A period of the current checklist year, not opened yet, due two weeks from today."""
    today = timezone.localdate()
    return Period.objects.create(
        year=cast.checklist.year,
        half=Half.FIRST,
        opens_on=today - datetime.timedelta(days=20),
        due_on=today + datetime.timedelta(days=14),
        grace_days=5,
        review_due_on=today + datetime.timedelta(days=30),
    )


@pytest.fixture
def period(cast):
    """An open period of the current checklist year, due two weeks from today."""
    made = scheduled_period(cast)
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


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded evidence goes to a fresh folder per test: nothing left behind, and the
    tests can see exactly which files were stored."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture
def submitted_a(cast, report_a):
    """Report A, written and submitted by secretary A, waiting for ``cast.leader``."""
    from assessments.services import submit_report

    submit_report(report_id=report_a.pk, actor=cast.secretary_a, content="召开专题会议 2 次，学习党章")
    report_a.refresh_from_db()
    return report_a
