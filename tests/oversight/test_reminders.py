"""Open rectifications and notices join the daily deadline reminders (T-14/7/3/1), once a day."""

import pytest

from notifications.models import Notification
from oversight import services
from schedules.models import SentReminder
from schedules.reminders import send_reminders
from tests.oversight.conftest import in_days, photo

pytestmark = pytest.mark.django_db


def named(today):
    return sorted(
        SentReminder.objects.filter(day=today, item_type__in=["rectification", "notice"]).values_list(
            "item_type", "person__username", "days_before"
        )
    )


def test_rectifications_and_notices_are_reminded_on_the_t_minus_days_once(cast, rectification, notice):
    # The notice is due in 7 days, the rectification in 10: today only the notice (T-7).
    send_reminders(today=in_days(0))
    assert named(in_days(0)) == [("notice", "sec_a", 7)]
    note = Notification.objects.filter(recipient=cast.secretary_a, kind="deadline_reminder").first()
    assert notice.label in note.body and "报告逾期" in note.body
    send_reminders(today=in_days(0))  # a second run the same day names nothing again
    assert named(in_days(0)) == [("notice", "sec_a", 7)]
    send_reminders(today=in_days(3))  # T-7 of the rectification, to the post's holder
    assert named(in_days(3)) == [("rectification", "sec_a", 7)]
    latest = Notification.objects.filter(recipient=cast.secretary_a, kind="deadline_reminder").first()
    assert "缺少会议记录" in latest.body


def test_done_or_replied_items_are_not_reminded(cast, rectification, notice):
    services.report_rectification_done(
        rectification_id=rectification.pk, actor=cast.secretary_a, completion="已改", uploads=[photo()]
    )
    services.reply_to_notice(notice_id=notice.pk, actor=cast.secretary_a, reply="已办")
    send_reminders(today=in_days(0), days_before=None)
    assert named(in_days(0)) == []
