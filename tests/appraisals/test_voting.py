import re

import pytest
from django.core.exceptions import PermissionDenied

from appraisals import services
from appraisals.models import Ballot, BallotScore, BallotToken, Rater
from core.errors import TransitionError

pytestmark = pytest.mark.django_db


def test_a_rater_casts_one_ballot_per_secretary_and_cannot_vote_twice(panel):
    rater = panel.committee[0]
    assert panel.vote(rater, {panel.a: ["好", "好"], panel.b: ["一般", "好"]}) == 3  # C left blank
    assert services.has_voted(round_id=panel.round.pk, user=rater)
    with pytest.raises(TransitionError, match="不能重复投票"):
        panel.vote(rater, {panel.a: ["差", "差"]})
    assert panel.count_box() == 1  # one sheet
    assert Ballot.objects.count() == 3 and BallotToken.objects.count() == 1
    assert BallotScore.objects.count() == 4


def test_someone_not_on_the_rater_list_cannot_vote(panel, cast):
    for outsider in (cast.admin, cast.supervisor, cast.secretary_a):
        with pytest.raises(PermissionDenied):
            panel.vote(outsider, {panel.b: ["好", "好"]})
    assert not Ballot.objects.exists() and not BallotToken.objects.exists()


def test_a_secretary_who_rates_does_not_rate_themselves(draft_panel, cast):
    panel = draft_panel
    Rater.objects.filter(person=panel.peers[0]).update(person=cast.secretary_a)  # A is also a peer rater
    services.open_round(round_id=panel.round.pk, actor=cast.admin)
    with pytest.raises(TransitionError, match="不符"):
        panel.vote(cast.secretary_a, {panel.a: ["好", "好"]})
    assert panel.vote(cast.secretary_a, {panel.b: ["好", "好"]}) == 2  # B and C, never A
    panel.count_box()
    assert Ballot.objects.filter(round=panel.round).count() == 2
    assert not Ballot.objects.filter(appraisee=panel.a).exists()


def test_a_ballot_with_another_rounds_criteria_or_grades_is_refused(panel, draft_panel_other_year):
    other = draft_panel_other_year
    rater = panel.leadership[0]
    bad_level = {panel.a.pk: {panel.criteria[0].pk: other.levels["好"].pk}}
    with pytest.raises(TransitionError):
        services.cast_ballots(round_id=panel.round.pk, rater=rater, marks=bad_level)
    bad_criterion = {panel.a.pk: {other.criteria[0].pk: panel.levels["好"].pk}}
    with pytest.raises(TransitionError):
        services.cast_ballots(round_id=panel.round.pk, rater=rater, marks=bad_criterion)
    assert not BallotToken.objects.exists()  # a refused sheet does not use up the vote


def test_no_voting_before_the_round_opens_or_after_it_closes(draft_panel, cast):
    with pytest.raises(TransitionError):
        draft_panel.vote(draft_panel.leadership[0], {draft_panel.a: ["好", "好"]})
    services.open_round(round_id=draft_panel.round.pk, actor=cast.admin)
    services.close_round(round_id=draft_panel.round.pk, actor=cast.admin)
    with pytest.raises(TransitionError):
        draft_panel.vote(draft_panel.leadership[0], {draft_panel.a: ["好", "好"]})


def test_the_vote_page_refuses_a_second_sheet_and_a_stranger(panel, client, cast):
    rater = panel.leadership[2]
    client.force_login(rater)
    url = f"/appraisals/rounds/{panel.round.pk}/rate/"
    page = client.get(url)
    assert page.status_code == 200 and "匿名" in page.content.decode()
    form = {f"m_{a.pk}_{c.pk}": panel.levels["好"].pk for a in (panel.a, panel.b, panel.c) for c in panel.criteria}
    assert client.post(url, form).status_code == 302
    assert "您已在本轮投票" in client.get(url).content.decode()
    client.post(url, form)
    panel.count_box()
    assert Ballot.objects.count() == 3
    client.force_login(cast.secretary_b)  # appraised, not a rater: may not know the round
    assert client.get(url).status_code == 404


def test_an_incomplete_sheet_needs_the_rater_to_say_so(panel, client):
    rater = panel.peers[0]
    client.force_login(rater)
    url = f"/appraisals/rounds/{panel.round.pk}/rate/"
    form = {f"m_{panel.a.pk}_{c.pk}": panel.levels["较好"].pk for c in panel.criteria}
    page = client.post(url, form)
    assert page.status_code == 200 and "甲书记" in page.content.decode() and not Ballot.objects.exists()
    kept = rf'name="m_{panel.a.pk}_{panel.criteria[0].pk}" value="{panel.levels["较好"].pk}"[^>]*checked'
    assert re.search(kept, page.content.decode())  # the marks are kept as given
    client.post(url, {**form, "incomplete_ok": "on"})
    panel.count_box()
    assert Ballot.objects.count() == 3 and BallotScore.objects.count() == 2
