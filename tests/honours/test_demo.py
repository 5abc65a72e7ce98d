"""After `make run` 评先评优 has something to see: last year's honours conferred (on the
branches' pages) and this year's nominations on 公示; loading twice changes nothing."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from honours.models import Honour, HonourEvent, HonourRound, Nomination

pytestmark = pytest.mark.django_db


def snapshot():
    return [
        sorted(HonourRound.objects.values_list("year", "state")),
        Nomination.objects.count(),
        Honour.objects.count(),
        HonourEvent.objects.count(),
    ]


@pytest.fixture
def in_2026():
    """The demo of 2026 (``--year 2026``) loaded in 2026's second half, as `make data` on 1
    December 2026 did: from July 2027 the closed half-year is 2027's, 2026's round has no
    ranking to draw from and stays in nominating: the test assumed today was in 2026."""
    import datetime

    import time_machine

    with time_machine.travel(
        datetime.datetime(2026, 12, 1, 10, tzinfo=datetime.timezone(datetime.timedelta(hours=8))), tick=False
    ):
        yield


def test_demo_shows_conferred_honours_and_a_public_notice(in_2026, client, settings):
    settings.DEBUG = True
    call_command("load_checklist", "--year", "2026")
    call_command("load_demo", "--year", "2026")
    assert dict(HonourRound.objects.values_list("year", "state")) == {2025: "decided", 2026: "publicity"}
    last = HonourRound.objects.get(year=2025)
    assert last.honours.filter(kind="advanced_branch").exists()  # added with a reason
    assert last.honours.filter(kind="party_worker").exists()  # from the published 2025 appraisal
    current = HonourRound.objects.get(year=2026)
    assert current.nominations.filter(kind="advanced_branch", source="ranking").count() == 3  # the 前三名
    honoured = last.honours.filter(kind="advanced_branch").get().unit
    secretary = honoured.posts.filter(holder__isnull=False).first().holder
    client.force_login(secretary)
    assert "先进党支部" in client.get(reverse("assessments:unit", args=[honoured.pk])).content.decode()
    assert client.get(reverse("honours:notice", args=[current.pk])).status_code == 200
    before = snapshot()
    call_command("load_demo", "--year", "2026")
    assert snapshot() == before


@pytest.mark.parametrize("today", ["2027-01-01", "2027-01-19"])
def test_the_demo_loads_in_the_first_weeks_of_january(settings, today):
    """Last year's honours are decided on 20 January after a week's 公示: loaded before that
    day, the decision was dated in the future and refused ("决定日期不能晚于今天"), and
    `make data` failed from 1 to 19 January. It is dated today at the latest, after its 公示."""
    import datetime

    import time_machine

    settings.DEBUG = True
    day = datetime.date.fromisoformat(today)
    with time_machine.travel(datetime.datetime.fromisoformat(f"{today}T09:00+08:00"), tick=False):
        call_command("load_checklist", "--year", "2027")
        call_command("load_demo", "--year", "2027")
    last = HonourRound.objects.get(year=2026)
    assert last.state == "decided" and last.decided_on <= day
    assert last.notice_starts_on <= last.notice_ends_on < last.decided_on
    assert last.honours.filter(kind="advanced_branch").exists()
