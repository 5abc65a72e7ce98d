"""A closed period is frozen (DESIGN.md, "Report life"): no report transition, no evidence
change, no score recompute and no bonus until an admin reopens it with a reason; the
refusal is a plain message, on the page too, and nothing changes."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from assessments import services
from assessments.models import Evidence, Period, PeriodEvent, Report, ReportEvent
from core.errors import PeriodClosedError
from scoring.models import BonusItem, ScoreLine
from scoring.services import compute_scores, grant_bonus, revoke_bonus
from tests.assessments.files import pdf, upload

pytestmark = pytest.mark.django_db
State = Report.State


def close(period):
    Period.objects.filter(pk=period.pk).update(state=Period.State.CLOSED, closed_at=timezone.now())
    period.refresh_from_db()


def test_every_report_transition_refuses_a_closed_period(cast, period, report_a, submitted_a):
    others = Report.objects.filter(period=period, unit=cast.unit_a).exclude(pk=submitted_a.pk)
    draft = others[0]
    locked = others[1]
    Report.objects.filter(pk=locked.pk).update(state=State.LOCKED)
    close(period)
    events = ReportEvent.objects.count()
    steps = [
        lambda: services.save_report(report_id=draft.pk, actor=cast.secretary_a, content="补写"),
        lambda: services.submit_report(report_id=draft.pk, actor=cast.secretary_a, content="补交"),
        lambda: services.approve_report(report_id=submitted_a.pk, actor=cast.leader, grade="good"),
        lambda: services.return_report(report_id=submitted_a.pk, actor=cast.leader, comment="退回"),
        lambda: services.waive_lock(report_id=locked.pk, actor=cast.admin, reason="补"),
        lambda: services.add_evidence(
            report_id=draft.pk,
            actor=cast.secretary_a,
            upload=upload("纪要.pdf", pdf(), "application/pdf"),
            description="纪要",
            work_date=datetime.date.today(),
        ),
        lambda: services.lock_report(report_id=draft.pk),
    ]
    for step in steps:
        with pytest.raises(PeriodClosedError, match="closed|已关闭"):
            step()
    assert ReportEvent.objects.count() == events
    assert Report.objects.get(pk=draft.pk).state == State.DRAFT
    assert Report.objects.get(pk=submitted_a.pk).state == State.SUBMITTED
    assert not Evidence.objects.filter(report=draft).exists()


def test_reopen_of_an_approved_report_and_evidence_removal_refuse_a_closed_period(cast, period, submitted_a):
    draft = Report.objects.filter(period=period, unit=cast.unit_a, state=State.DRAFT).first()
    evidence = services.add_evidence(
        report_id=draft.pk,
        actor=cast.secretary_a,
        upload=upload("纪要.pdf", pdf(), "application/pdf"),
        description="纪要",
        work_date=datetime.date.today(),
    )
    services.approve_report(report_id=submitted_a.pk, actor=cast.leader, grade="good")
    close(period)
    with pytest.raises(PeriodClosedError):
        services.reopen_report(report_id=submitted_a.pk, actor=cast.admin, reason="更正")
    with pytest.raises(PeriodClosedError):
        services.remove_evidence(evidence_id=evidence.pk, actor=cast.secretary_a)
    assert Report.objects.get(pk=submitted_a.pk).state == State.APPROVED
    assert Evidence.objects.get(pk=evidence.pk).removed_at is None


def test_scores_and_bonuses_refuse_a_closed_period(cast, period, report_a):
    compute_scores(period=period)
    bonus = grant_bonus(actor=cast.admin, period=period, unit=cast.unit_a, points=1, reason="先进")
    close(period)
    lines = ScoreLine.objects.count()
    with pytest.raises(PeriodClosedError):
        compute_scores(period=period)
    with pytest.raises(PeriodClosedError):
        grant_bonus(actor=cast.admin, period=period, unit=cast.unit_a, points=1, reason="再加")
    with pytest.raises(PeriodClosedError):
        revoke_bonus(actor=cast.admin, bonus_id=bonus.pk)
    assert ScoreLine.objects.count() == lines
    assert BonusItem.objects.filter(period=period, revoked_at__isnull=True).count() == 1


def test_the_page_says_the_period_is_closed(client, cast, period, submitted_a):
    close(period)
    client.force_login(cast.leader)
    url = reverse("assessments:report_review", args=[submitted_a.pk])
    response = client.post(url, {"action": "approve", "approve-grade": "good"}, follow=True)
    assert response.status_code in (200, 400, 409)
    assert Report.objects.get(pk=submitted_a.pk).state == State.SUBMITTED
    assert "closed" in response.content.decode() or "已关闭" in response.content.decode()


def test_an_admin_reopens_a_closed_period_with_a_reason(cast, period, submitted_a):
    close(period)
    with pytest.raises(services.TransitionError):
        services.reopen_period(period_id=period.pk, actor=cast.admin, reason=" ")
    with pytest.raises(PermissionDenied):
        services.reopen_period(period_id=period.pk, actor=cast.leader, reason="更正评分")
    services.reopen_period(period_id=period.pk, actor=cast.admin, reason="更正评分")
    period.refresh_from_db()
    assert period.state == Period.State.OPEN and period.closed_at is None
    event = PeriodEvent.objects.get(period=period)
    assert (event.action, event.actor, event.comment) == ("reopen", cast.admin, "更正评分")
    assert (event.from_state, event.to_state) == ("closed", "open")
    services.approve_report(report_id=submitted_a.pk, actor=cast.leader, grade="good")
    with pytest.raises(services.TransitionError):
        services.reopen_period(period_id=period.pk, actor=cast.admin, reason="再开")


def test_the_periods_page_reopens_a_closed_period(client, cast, period):
    close(period)
    client.force_login(cast.admin)
    url = reverse("schedules:period_action", args=[period.pk])
    response = client.post(url, {"action": "reopen", "reason": ""}, follow=True)
    assert response.status_code == 200
    assert Period.objects.get(pk=period.pk).state == Period.State.CLOSED
    response = client.post(url, {"action": "reopen", "reason": "更正评分"}, follow=True)
    assert response.status_code == 200
    assert Period.objects.get(pk=period.pk).state == Period.State.OPEN
    assert PeriodEvent.objects.filter(period=period, comment="更正评分").exists()
