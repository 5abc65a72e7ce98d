"""What the report-loop journeys share: an open period around today, and signing in by
the login form as a person would."""

import datetime

import pytest
from django.utils import timezone

from assessments.models import Half, Period, Report
from assessments.services import open_period


@pytest.fixture
def open_now(cast, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    today = timezone.localdate()
    period = Period.objects.create(
        year=cast.checklist.year,
        half=Half.FIRST,
        opens_on=today - datetime.timedelta(days=20),
        due_on=today + datetime.timedelta(days=14),
        review_due_on=today + datetime.timedelta(days=30),
    )
    open_period(period=period)
    return Report.objects.filter(period=period, unit=cast.unit_a).select_related("assignment__duty").first()


def sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("pw-for-tests")
    page.get_by_role("button", name="登录").click()
