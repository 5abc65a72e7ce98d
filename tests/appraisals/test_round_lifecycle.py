import random

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from appraisals import services
from appraisals.models import AppraisalEvent, AppraisalRound, Rater, RaterRole
from core.errors import TransitionError
from notifications.models import Notification
from tests.appraisals.conftest import vote_hand_example

pytestmark = pytest.mark.django_db
State = AppraisalRound.State


def test_a_new_round_appraises_every_branch_secretary_and_draws_raters_by_role(cast):
    made = services.create_round(year=2031, actor=cast.admin, rng=random.Random(1), peer_sample_size=1)
    assert made.state == State.DRAFT
    assert {a.person for a in made.appraisees.all()} == {cast.secretary_a, cast.secretary_b}
    assert [c.name for c in made.criteria.all()] == [
        "履行第一责任人职责",
        "抓党建工作成效",
        "作风建设和廉洁自律",
        "群众认可",
    ]
    assert [(lvl.name, lvl.points, lvl.min_score) for lvl in made.levels.all()][0] == ("好", 100, 90)
    raters = {r.person: r.role for r in Rater.objects.filter(round=made)}
    assert raters[cast.leader] == raters[cast.other_leader] == RaterRole.LEADERSHIP
    peers = [person for person, role in raters.items() if role == RaterRole.PEER]
    assert len(peers) == 1 and peers[0] in (cast.secretary_a, cast.secretary_b)
    assert AppraisalEvent.objects.get(round=made).action == "create"
    with pytest.raises(TransitionError):
        services.create_round(year=2031, actor=cast.admin)


def test_only_an_admin_sets_up_opens_closes_and_publishes(draft_panel, cast):
    for person in (cast.leader, cast.supervisor, cast.secretary_a):
        with pytest.raises(PermissionDenied):
            services.open_round(round_id=draft_panel.round.pk, actor=person)
        with pytest.raises(PermissionDenied):
            services.create_round(year=2032, actor=person)
    services.open_round(round_id=draft_panel.round.pk, actor=cast.admin)
    with pytest.raises(PermissionDenied):
        services.close_round(round_id=draft_panel.round.pk, actor=cast.leader)


def test_a_round_does_not_open_while_a_role_has_too_few_raters_to_stay_anonymous(draft_panel, cast):
    Rater.objects.filter(person__in=draft_panel.committee[1:]).delete()  # one committee rater left
    problems = services.problems(draft_panel.round)
    assert any("机关党委委员" in p and "至少需要 3" in p for p in problems)
    with pytest.raises(TransitionError, match="至少需要 3"):
        services.open_round(round_id=draft_panel.round.pk, actor=cast.admin)
    assert draft_panel.refresh().state == State.DRAFT


def test_open_tells_secretaries_and_raters_and_publish_tells_the_secretaries(
    draft_panel, cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.open_round(round_id=draft_panel.round.pk, actor=cast.admin)
    assert Notification.objects.filter(recipient=cast.secretary_a, kind="appraisal_report").exists()
    assert Notification.objects.filter(kind="appraisal_rate").count() == 9
    assert any("匿名" in m.body for m in mail.outbox)
    vote_hand_example(draft_panel)
    services.close_round(round_id=draft_panel.round.pk, actor=cast.admin)
    assert not Notification.objects.filter(kind="appraisal_published").exists()  # closed is not published
    services.publish_round(round_id=draft_panel.round.pk, actor=cast.admin)
    assert Notification.objects.filter(kind="appraisal_published").count() == 3
    actions = list(AppraisalEvent.objects.filter(appraisee=None).values_list("action", flat=True))
    assert actions[-3:] == ["open", "close", "publish"]


def test_steps_out_of_order_are_refused_with_a_message(panel, cast):
    with pytest.raises(TransitionError):
        services.publish_round(round_id=panel.round.pk, actor=cast.admin)  # open, not closed
    with pytest.raises(TransitionError):
        services.configure_round(round_id=panel.round.pk, actor=cast.admin, settings={}, criteria=[], levels=[])
    with pytest.raises(TransitionError):
        services.set_participants(round_id=panel.round.pk, actor=cast.admin, posts=[], raters={})
    services.close_round(round_id=panel.round.pk, actor=cast.admin)
    with pytest.raises(TransitionError):
        services.close_round(round_id=panel.round.pk, actor=cast.admin)  # a second close computes nothing twice


def test_findings_are_recorded_by_admins_and_leaders_once_closed(panel, cast):
    with pytest.raises(PermissionDenied):
        services.add_finding(appraisee_id=panel.a.pk, actor=cast.admin, text="太早")
    services.close_round(round_id=panel.round.pk, actor=cast.admin)
    for person in (cast.supervisor, cast.secretary_b):
        with pytest.raises(PermissionDenied):
            services.add_finding(appraisee_id=panel.a.pk, actor=person, text="问题")
    finding = services.add_finding(appraisee_id=panel.a.pk, actor=cast.leader, text="组织生活会记录不全")
    assert finding.raised_by == cast.leader
    assert Notification.objects.filter(recipient=cast.secretary_a, kind="appraisal_finding").exists()
