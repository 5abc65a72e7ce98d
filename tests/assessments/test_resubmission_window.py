"""A report returned (or reopened) after the lock date may be resubmitted within
MINGZE_RESUBMIT_DAYS of its return, whatever the lock date (DESIGN.md, "Report life");
after that window it locks; the secretary's page says until when."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from assessments import services
from assessments.models import Period, Report
from schedules.jobs import lock_and_close

pytestmark = pytest.mark.django_db
State = Report.State


def past_lock(period):
    """Move the period's dates so that today is after its lock date, before its review due."""
    today = timezone.localdate()
    period.opens_on = today - datetime.timedelta(days=40)
    period.due_on = today - datetime.timedelta(days=10)  # its reports due with it follow
    period.review_due_on = today + datetime.timedelta(days=1)
    period.save()
    period.refresh_from_db()


def test_a_report_returned_after_the_lock_date_can_be_resubmitted_in_the_window(cast, period, submitted_a, settings):
    settings.MINGZE_RESUBMIT_DAYS = 5
    past_lock(period)
    services.return_report(report_id=submitted_a.pk, actor=cast.leader, comment="补充纪要")
    report = Report.objects.get(pk=submitted_a.pk)
    assert report.resubmit_by == timezone.localdate() + datetime.timedelta(days=5)
    services.submit_report(report_id=report.pk, actor=cast.secretary_a, content="已补充纪要")
    report.refresh_from_db()
    assert report.state == State.SUBMITTED and not report.late  # first filed on time


def test_the_window_ends_and_the_report_locks_after_it(cast, period, submitted_a, settings):
    settings.MINGZE_RESUBMIT_DAYS = 5
    past_lock(period)
    services.return_report(report_id=submitted_a.pk, actor=cast.leader, comment="补充纪要")
    today = timezone.localdate()
    lock_and_close(today=today + datetime.timedelta(days=5))  # last day of the window: kept open
    assert Report.objects.get(pk=submitted_a.pk).state == State.RETURNED
    assert Period.objects.get(pk=period.pk).state == Period.State.OPEN  # closing waits for the window
    later = time_machine.travel(timezone.now() + datetime.timedelta(days=6), tick=False)
    with later, pytest.raises(services.TransitionError):
        services.submit_report(report_id=submitted_a.pk, actor=cast.secretary_a, content="迟了")
    lock_and_close(today=today + datetime.timedelta(days=6))
    assert Report.objects.get(pk=submitted_a.pk).state == State.LOCKED
    assert Period.objects.get(pk=period.pk).state == Period.State.CLOSED


def test_a_reopened_report_gets_the_window_too(cast, period, submitted_a, settings):
    settings.MINGZE_RESUBMIT_DAYS = 3
    services.approve_report(report_id=submitted_a.pk, actor=cast.leader, grade="good")
    past_lock(period)
    services.reopen_report(report_id=submitted_a.pk, actor=cast.admin, reason="材料有误")
    assert Report.objects.get(pk=submitted_a.pk).resubmit_by == timezone.localdate() + datetime.timedelta(days=3)
    services.submit_report(report_id=submitted_a.pk, actor=cast.secretary_a, content="已更正")
    assert Report.objects.get(pk=submitted_a.pk).state == State.SUBMITTED


@pytest.mark.parametrize("language, words", [("zh-hans", "可在"), ("en", "may be resubmitted until")])
def test_the_secretarys_page_shows_the_windows_end(client, cast, period, submitted_a, language, words):
    past_lock(period)
    services.return_report(report_id=submitted_a.pk, actor=cast.leader, comment="补充纪要")
    client.force_login(cast.secretary_a)
    client.cookies["django_language"] = language
    response = client.get(reverse("assessments:report", args=[submitted_a.pk]))
    assert response.status_code == 200
    assert words in response.content.decode()
