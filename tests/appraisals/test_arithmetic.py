"""The result against a hand computation (appraisals/results.py gives the formulas).

Secretary A, criteria 履职尽责 (60) and 工作成效 (40), role weights 50/30/20, three valid
ballots in each role (the anonymity floor, counted per secretary and role):
  leadership: 履职 (100+85+100)/3 = 95       成效 (100+100+100)/3 = 100
  committee:  履职 (100+100+85)/3 = 95       成效 (70+70+70)/3    = 70
  peers:      履职 (70+50+85)/3   = 68.33…   成效 (70+70+85)/3    = 75
  履职 = (50·95 + 30·95 + 20·68.33…) / 100 = 89.66… → 89.67
  成效 = (50·100 + 30·70 + 20·75) / 100     = 86
  overall = (60·89.66… + 40·86) / 100        = 88.2 → 较好 (80 ≤ 88.2 < 90)
  valid 9, invalid 0.
Secretary B: only L1 and L2 marked every criterion: 2 valid < 3 → no score, no grade, no rank.
Secretary C: only the three leadership members rated validly (C2 missed a criterion), all
  好: the other roles drop out and the leadership's weight is rescaled to the whole → 100,
  好, rank 1; A is rank 2.
Results are counted from the ballots once the ballot box is emptied, which the close does.
"""

from decimal import Decimal

import pytest

from appraisals import results, services
from appraisals.models import AppraisalResult
from tests.appraisals.conftest import vote_hand_example

pytestmark = pytest.mark.django_db


def test_weighted_scores_grade_and_rank_match_the_hand_computation(panel, cast):
    vote_hand_example(panel)
    services.close_round(round_id=panel.round.pk, actor=cast.admin)

    a = AppraisalResult.objects.get(appraisee=panel.a)
    履职, 成效 = panel.criteria
    assert {cr.criterion_id: cr.score for cr in a.criteria.all()} == {
        履职.pk: Decimal("89.67"),
        成效.pk: Decimal("86.00"),
    }
    assert a.score == Decimal("88.20")
    assert a.grade.name == "较好"
    assert (a.valid_ballots, a.invalid_ballots, a.enough_ballots, a.rank) == (9, 0, True, 2)

    b = AppraisalResult.objects.get(appraisee=panel.b)
    assert (b.valid_ballots, b.invalid_ballots, b.enough_ballots) == (2, 7, False)
    assert b.score is None and b.grade is None and b.rank is None and not b.criteria.exists()

    c = AppraisalResult.objects.get(appraisee=panel.c)
    assert (c.score, c.grade.name, c.rank, c.valid_ballots, c.invalid_ballots) == (Decimal("100.00"), "好", 1, 3, 6)


def test_a_role_with_fewer_valid_ballots_than_the_floor_is_withheld_from_the_result(panel, cast):
    """Two committee members rate A 差: their two marks would show in a committee mean, so
    the committee is left out of A's score (the leadership's 好 alone gives 100)."""
    for rater in panel.leadership:
        panel.vote(rater, {panel.a: ["好", "好"]})
    for rater in panel.committee[:2]:
        panel.vote(rater, {panel.a: ["差", "差"]})
    services.close_round(round_id=panel.round.pk, actor=cast.admin)
    a = AppraisalResult.objects.get(appraisee=panel.a)
    assert (a.score, a.valid_ballots, a.enough_ballots) == (Decimal("100.00"), 5, True)


def test_no_role_at_the_floor_means_no_result(panel, cast):
    for rater in panel.leadership[:2] + panel.committee[:2] + panel.peers[:2]:
        panel.vote(rater, {panel.a: ["好", "好"]})
    services.close_round(round_id=panel.round.pk, actor=cast.admin)
    a = AppraisalResult.objects.get(appraisee=panel.a)
    assert (a.valid_ballots, a.enough_ballots, a.score, a.rank) == (6, False, None, None)


def test_minimum_ballots_is_the_rounds_setting(panel, cast):
    vote_hand_example(panel)
    services.empty_ballot_box(round_id=panel.round.pk)
    panel.round.min_valid_ballots = 10  # A has 9 valid ballots
    panel.round.save()
    outcome = {o.appraisee_id: o for o in results.compute(panel.round)}
    assert outcome[panel.a.pk].enough is False and outcome[panel.a.pk].score is None
    assert outcome[panel.a.pk].valid == 9


def test_grade_follows_the_thresholds(panel):
    levels = list(panel.round.levels.all())
    assert results.grade_for(Decimal("90.00"), levels).name == "好"
    assert results.grade_for(Decimal("89.99"), levels).name == "较好"
    assert results.grade_for(Decimal("60"), levels).name == "一般"
    assert results.grade_for(Decimal("0"), levels).name == "差"


def test_ties_share_a_rank_and_the_next_rank_skips():
    outcomes = [
        results.Outcome(appraisee_id=n, score=Decimal(score), enough=enough)
        for n, (score, enough) in enumerate([("90", True), ("95", True), ("90", True), ("99", False), ("80", True)])
    ]
    results.rank(outcomes)
    assert [o.rank for o in outcomes] == [2, 1, 2, None, 4]
