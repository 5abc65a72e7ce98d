"""After `make run` each flow has something to see; loading the demo twice changes nothing."""

import pytest
from django.core.management import call_command

from appraisals.models import AppraisalRound, Ballot, BallotToken, Finding, Rater
from notifications.models import Notification
from oversight.models import Event, Rectification, SupervisionNotice

pytestmark = pytest.mark.django_db


def snapshot():
    return [
        sorted(AppraisalRound.objects.values_list("year", "state")),
        Rater.objects.count(),
        Ballot.objects.count(),
        BallotToken.objects.count(),
        Finding.objects.count(),
        sorted(Rectification.objects.values_list("unit__code", "state", "source")),
        sorted(SupervisionNotice.objects.values_list("year", "number", "state")),
        Event.objects.count(),
        Notification.objects.count(),
    ]


def test_demo_has_each_flow_and_is_idempotent(settings):
    settings.DEBUG = True
    call_command("load_checklist", "--year", "2026")
    call_command("load_demo", "--year", "2026")
    rounds = dict(AppraisalRound.objects.values_list("year", "state"))
    assert rounds == {2025: "published", 2026: "open"}
    current = AppraisalRound.objects.get(year=2026)
    assert current.raters.count() == 9 and current.appraisees.count() == 8 and current.tokens.count() == 2
    assert Finding.objects.filter(appraisee__unit__code="ZB01").exists()  # shown beside 第一党支部's form
    states = sorted(Rectification.objects.values_list("unit__code", "state"))
    assert states == [("ZB01", "open"), ("ZB02", "open"), ("ZB02", "reported"), ("ZB03", "closed"), ("ZB03", "open")]
    assert Rectification.objects.get(unit__code="ZB03", state="open").is_overdue()
    # Each source offices name shows in the demo (issue 14), a duty linked where one is concerned.
    sources = sorted(Rectification.objects.values_list("source", flat=True))
    assert sources == ["appraisal", "audit", "democratic_life", "inspection", "org_life"]
    assert Rectification.objects.filter(duty__isnull=False).exists()
    assert SupervisionNotice.objects.get().state == "issued"
    before = snapshot()
    call_command("load_demo", "--year", "2026")
    assert snapshot() == before
