import datetime

import pytest
from django.utils import timezone

from assessments import services as reports
from assessments.models import Half, Period, Report
from assessments.services import open_period
from scoring.services import compute_scores


@pytest.fixture
def scored(cast):
    """A period of the cast's year with unit A's first report approved 'excellent', one of
    unit B's submitted, the rest missing — and its scores computed."""
    today = timezone.localdate()
    period = Period.objects.create(
        year=cast.checklist.year,
        half=Half.FIRST,
        opens_on=today - datetime.timedelta(days=20),
        due_on=today + datetime.timedelta(days=1),
        grace_days=5,
        review_due_on=today + datetime.timedelta(days=30),
    )
    open_period(period=period)
    first_a = Report.objects.filter(period=period, unit=cast.unit_a).order_by("pk").first()
    reports.submit_report(report_id=first_a.pk, actor=cast.secretary_a, content="已落实")
    reports.approve_report(report_id=first_a.pk, actor=cast.leader, grade="excellent")
    first_b = Report.objects.filter(period=period, unit=cast.unit_b).order_by("pk").first()
    reports.submit_report(report_id=first_b.pk, actor=cast.secretary_b, content="已落实")
    compute_scores(period=period)
    return period
