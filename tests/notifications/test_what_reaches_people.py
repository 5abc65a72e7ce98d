"""What reaches people is what was meant (issue 11, item 9): a notification holds plain
text, escaped once where HTML is made; the e-mail's text part is not HTML-escaped; every
label is in the reader's language, whatever language the sending process had active."""

import datetime
import re
from html.parser import HTMLParser

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from assessments import services as reports
from notifications.models import Notification
from oversight import services as oversight
from oversight.reminders import oversight_reminder_items
from schedules.reminders import deliver, send_reminders
from tests.oversight.conftest import (
    _private_media,  # noqa: F401 - files of the notice
    notice,  # noqa: F401 - shared fixture
)

pytestmark = pytest.mark.django_db

TRICKY = "请补充支部委员会会议纪要 & 签到表，材料标题写成<第一党支部会议>，\"四风\" 与 '三会一课'。"


class Text(HTMLParser):
    """The text a browser shows of a page (entities decoded once)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data):
        self.parts.append(data)


def shown(html: str) -> str:
    parser = Text()
    parser.feed(html)
    return " ".join("".join(parser.parts).split())


def check_reaches(client, person, kind: str, text: str):
    """``text`` is in the stored notification, its e-mail and the list page, as written."""
    note = Notification.objects.filter(recipient=person, kind=kind).first()
    assert note is not None, kind
    assert text in note.title + note.body
    assert not re.search(r"&(amp|lt|gt|quot|#x27|#39);", note.title + note.body)
    mails = [m for m in mail.outbox if person.email in m.to and m.subject == note.title]
    assert mails, kind
    assert text in mails[-1].body and "&amp;" not in mails[-1].body and "&quot;" not in mails[-1].body
    assert all(not getattr(m, "alternatives", None) for m in mails)  # plain text only
    client.force_login(person)
    page = client.get(reverse("notifications:list")).content.decode()
    assert " ".join(text.split()) in shown(page)
    assert "&amp;amp;" not in page and "&amp;lt;" not in page and "&amp;quot;" not in page
    assert "<第一党支部会议>" not in page  # escaped once in the HTML
    # <time datetime> allows at most three fractional digits: the seconds are enough.
    stamps = re.findall(r'<time[^>]* datetime="([^"]+)"', page)
    assert stamps and all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00", s) for s in stamps), stamps
    return note


def test_a_return_comment_reaches_list_mail_and_page_as_written(
    client, cast, report_a, django_capture_on_commit_callbacks
):
    cast.secretary_a.email = "sec_a@example.org"
    cast.secretary_a.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        reports.submit_report(report_id=report_a.pk, actor=cast.secretary_a, content="开展了学习")
    with django_capture_on_commit_callbacks(execute=True):
        reports.return_report(report_id=report_a.pk, actor=cast.leader, comment=TRICKY)
    check_reaches(client, cast.secretary_a, "report_return", TRICKY)


def test_a_reminder_names_a_duty_title_as_written(client, cast, report_a, django_capture_on_commit_callbacks):
    cast.secretary_a.email = "sec_a@example.org"
    cast.secretary_a.save(update_fields=["email"])
    duty = report_a.assignment.duty
    duty.title = TRICKY
    duty.save(update_fields=["title"])
    with django_capture_on_commit_callbacks(execute=True):
        send_reminders(today=report_a.period.due_on - datetime.timedelta(days=7))
    check_reaches(client, cast.secretary_a, "deadline_reminder", TRICKY)


def test_a_notice_reaches_its_unit_as_written(client, cast, django_capture_on_commit_callbacks):
    cast.secretary_a.email = "sec_a@example.org"
    cast.secretary_a.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        oversight.issue_notice(
            actor=cast.leader,
            unit=cast.unit_a,
            subject="会议纪要 & <签到表>",
            body=TRICKY,
            deadline=timezone.localdate() + datetime.timedelta(days=7),
        )
    check_reaches(client, cast.secretary_a, "notice_issued", TRICKY)


def test_the_same_reminder_reaches_a_chinese_and_an_english_reader_each_in_their_language(
    cast,
    notice,  # noqa: F811 - the fixture
):
    chinese, english = cast.secretary_a, cast.secretary_b
    chinese.language, english.language = "zh-hans", "en"
    chinese.save(update_fields=["language"])
    english.save(update_fields=["language"])
    today = timezone.localdate()
    for active in ("en", "zh-hans"):  # whatever the sending process has active
        with translation.override(active):
            items = oversight_reminder_items(today=today, days_before={7})
            assert [item.item_type for item in items] == ["notice"]
            day = today + datetime.timedelta(days={"en": 0, "zh-hans": 1}[active])
            for person in (chinese, english):
                assert deliver(person=person, items=items, today=day, kind="deadline", template="deadline_reminder")
    zh = Notification.objects.filter(recipient=chinese, kind="deadline_reminder").order_by("pk")
    en = Notification.objects.filter(recipient=english, kind="deadline_reminder").order_by("pk")
    for note in zh:
        text = note.title + note.body
        assert f"督办〔{today.year}〕{notice.number}号" in text and "督办通知" in text, text
        assert "Notice" not in text and "Reminder" not in text and "due" not in text, text
    for note in en:
        text = note.title + note.body
        assert f"Notice [{today.year}] No. {notice.number}" in text and "Supervision notice" in text, text
        assert "督办〔" not in text and "提醒" not in text, text
    assert zh.count() == en.count() == 2


def test_the_locks_of_a_day_join_the_one_daily_reminder_of_each_person(cast, django_capture_on_commit_callbacks):
    """No e-mail per locked report: the reports locked at night are named in the day's one
    notification of each person, with its one e-mail, and never again."""
    from assessments.models import Half, Period, Report, ReportEvent
    from assessments.services import open_period
    from schedules.jobs import lock_and_close

    cast.secretary_a.email = "sec_a@example.org"
    cast.secretary_a.save(update_fields=["email"])
    today = timezone.localdate()
    period = Period.objects.create(
        year=cast.checklist.year,
        half=Half.FIRST,
        opens_on=today - datetime.timedelta(days=60),
        due_on=today - datetime.timedelta(days=6),
        grace_days=5,
        review_due_on=today + datetime.timedelta(days=30),
    )
    open_period(period=period)
    assert period.locks_on == today
    mine = Report.objects.filter(period=period, assignment__post__holder=cast.secretary_a)
    codes = sorted(mine.values_list("assignment__duty__code", flat=True))
    assert len(codes) >= 2, codes
    with django_capture_on_commit_callbacks(execute=True):
        lock_and_close(today=today)
    assert ReportEvent.objects.filter(report__period=period, action="lock").count() >= len(codes)
    assert not Notification.objects.filter(kind="report_lock").exists()  # none per report
    with django_capture_on_commit_callbacks(execute=True):
        send_reminders(today=today)
    notes = Notification.objects.filter(recipient=cast.secretary_a)
    assert notes.count() == 1
    note = notes.get()
    assert all(code in note.body for code in codes), note.body
    assert "已锁定" in note.title and "已锁定" in note.body, (note.title, note.body)
    assert len([m for m in mail.outbox if cast.secretary_a.email in m.to]) == 1
    with django_capture_on_commit_callbacks(execute=True):  # the next day: not told again
        send_reminders(today=today + datetime.timedelta(days=1))
    assert notes.count() == 1
