"""The day's reminders to many people at once: one SMTP connection for all their e-mails,
a few transactions for all their notifications, each person told once — and a second run
sends nothing (issue 15, item 4)."""

import datetime

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.utils import translation
from django.utils.translation import gettext as _

from accounts import roles
from core.templatetags.mingze import cn_date, due_label
from notifications.models import Notification
from notifications.services import notify_each, send_emails
from responsibilities.models import Assignment
from schedules import jobs
from schedules.models import ReminderStage, SentReminder
from schedules.reminders import ReminderItem, reminder_message
from tests.factories import AssignmentFactory, PostFactory, UnitFactory, UserFactory

from .conftest import on, travel

pytestmark = pytest.mark.django_db

PEOPLE = 12


class CountingBackend(EmailBackend):
    """The locmem outbox, counting the connections made to it (the edge of the world: SMTP)."""

    made = 0

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        CountingBackend.made += 1


@pytest.fixture
def crowd(org, settings):
    """PEOPLE more secretaries, half reading English, each holding the post of their own
    branch with one report to write."""
    settings.EMAIL_BACKEND = f"{__name__}.CountingBackend"
    CountingBackend.made = 0
    duty = Assignment.objects.filter(unit=org.unit_b, duty__code="D1").get().duty
    people = []
    for n in range(PEOPLE):
        person = UserFactory(username=f"crowd_{n}", roles=[roles.SECRETARY], language="en" if n % 2 else "zh-hans")
        unit = UnitFactory(code=f"RC{n}", name=f"丙{n}支部", parent=org.party)
        AssignmentFactory(duty=duty, unit=unit, post=PostFactory(unit=unit, title="支部书记", held_by=person))
        people.append(person)
    with travel(6, 15):
        jobs.open_periods(today=on(6, 15))
    return people


def remind(day=26):
    with travel(6, day, 9):
        return jobs.send_reminders(today=on(6, day), batch_size=5)


def test_many_peoples_reminders_go_out_over_one_connection_once(crowd):
    result = remind()
    told = result.counts["people told"]
    assert told >= PEOPLE  # the cast of the org fixture is told too
    notes = list(Notification.objects.filter(kind="deadline_reminder").order_by("pk"))
    assert len(notes) == told == len({note.recipient_id for note in notes})
    assert SentReminder.objects.filter(person__in=crowd).count() == PEOPLE

    sent = send_emails([note.pk for note in notes])
    assert sent == len(mail.outbox) == told
    assert CountingBackend.made == 1
    assert sorted(m.to[0] for m in mail.outbox) == sorted(note.recipient.email for note in notes)
    # Each reads their own language, rendered once a language where the items are the same.
    english = next(n for n in notes if n.recipient.username == "crowd_1")
    chinese = next(n for n in notes if n.recipient.username == "crowd_0")
    assert "Reminder" in english.title and "Reminder" not in chinese.title
    assert "D1" in english.body and "D1" in chinese.body

    # A second run — the same day, or a later one without a new stage — sends nothing.
    stages = ReminderStage.objects.count()
    assert not remind().counts.get("people told")
    assert not remind(27).counts.get("people told")
    assert Notification.objects.count() == len(notes)
    assert ReminderStage.objects.count() == stages
    # Nor are the e-mails sent again.
    mail.outbox.clear()
    assert send_emails([note.pk for note in notes]) == 0
    assert mail.outbox == []


def test_a_crash_between_batches_resumes_without_duplicates(crowd):
    class Crash(Exception):
        pass

    def crash(done, total):
        if done >= 5:
            raise Crash

    with travel(6, 26, 9), pytest.raises(Crash):
        jobs.send_reminders(today=on(6, 26), batch_size=5, after_batch=crash)
    assert Notification.objects.values("recipient").distinct().count() == 5
    assert not ReminderStage.objects.exists()
    remind()
    notes = Notification.objects.filter(kind="deadline_reminder")
    assert notes.count() == notes.values("recipient").distinct().count() >= PEOPLE
    pairs = list(SentReminder.objects.values_list("person_id", "item_id"))
    assert len(pairs) == len(set(pairs))
    assert ReminderStage.objects.exists()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_reminder_body_lists_due_then_locked_items_one_a_line(language):
    """The body names each item on a line of its own after "- ", the due ones under their
    heading and the submit advice, then the locked ones under theirs, in the reader's
    language, whatever language the job runs in."""
    unit = UnitFactory(name="甲党支部", name_en="Branch A")
    person = UserFactory(language=language)
    today = datetime.date(2026, 6, 20)
    made = [
        ReminderItem("report", n, person.pk, today + datetime.timedelta(days=days), unit, code, "专题学习", "/r/")
        for n, (days, code) in enumerate([(3, "D1"), (14, "D2")], start=1)
    ]
    made.append(
        ReminderItem(
            "report_lock", 3, person.pk, today - datetime.timedelta(days=6), unit, "D3", "谈心", "/r/", locked=True
        )
    )
    with translation.override("en" if language != "en" else "zh-hans"):
        (note,) = notify_each(
            kind="deadline_reminder", template="deadline_reminder", messages=[reminder_message(person, made, today)]
        )
    with translation.override(language):
        unit_name = unit.label
        due = [f"- {_('Report')} · {unit_name} · {i.code} {i.title} — {due_label(i.due_on, today)}" for i in made[:2]]
        was = _("was due %(due)s") % {"due": cn_date(made[2].due_on)}
        submit = _(
            "Submit before the due date: after it and its grace days an item is locked, and a missing report scores zero."  # noqa: E501
        )
        locked = _(
            "These reports of yours passed their due date and grace days and are now locked; a missing report scores zero. Only an administrator can waive a lock."  # noqa: E501
        )
        # Each list starts on the line after its heading's blank one.
        expected = "\n".join(
            [
                _("These items of yours are not submitted yet:"),
                "",
                *due,
                "",
                submit,
                "",
                locked,
                "",
                f"- {_('Report')} · {unit_name} · D3 谈心 — {was}",
            ]
        )
    assert note.body == expected
    assert ("Branch A" in note.body) == (language == "en")
