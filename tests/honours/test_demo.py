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


def test_demo_shows_conferred_honours_and_a_public_notice(client, settings):
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
