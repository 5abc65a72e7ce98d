"""Two votes of the same rater arriving at once, on PostgreSQL: one counts, one is refused."""

import pytest

from appraisals.models import Ballot, BallotToken
from core.errors import TransitionError
from tests.appraisals.conftest import build_panel
from tests.services import need_postgres
from tests.threads import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_simultaneous_sheets_of_one_rater_count_once(cast):
    need_postgres()
    panel = build_panel(cast)
    rater = panel.leadership[0]

    def vote():
        return panel.vote(rater, {panel.a: ["好", "好"], panel.b: ["较好", "好"], panel.c: ["一般", "一般"]})

    outcomes = run_together(vote, vote, vote)
    assert sorted(type(o).__name__ for o in outcomes) == ["TransitionError", "TransitionError", "int"], outcomes
    assert all(isinstance(o, TransitionError | int) for o in outcomes)
    assert BallotToken.objects.count() == 1
    assert panel.count_box() == 1  # one sheet in the box
    assert Ballot.objects.count() == 3


def test_a_vote_racing_the_close_is_either_counted_or_refused(cast):
    need_postgres()
    from appraisals import services
    from appraisals.models import AppraisalResult

    panel = build_panel(cast)
    for rater in panel.leadership[:2]:
        panel.vote(rater, {panel.a: ["好", "好"]})

    def vote():
        return panel.vote(panel.leadership[2], {panel.a: ["好", "好"]})

    def close():
        return services.close_round(round_id=panel.round.pk, actor=cast.admin)

    voted, _closed = run_together(vote, close)
    result = AppraisalResult.objects.get(appraisee=panel.a)
    if isinstance(voted, TransitionError):
        assert result.valid_ballots == 2 and BallotToken.objects.count() == 2
    else:
        assert result.valid_ballots == 3 and BallotToken.objects.count() == 3  # never cast but left uncounted


def test_the_box_emptied_while_the_round_closes_loses_no_sheet(cast):
    need_postgres()
    from appraisals import services
    from appraisals.models import AppraisalResult, BallotBox

    panel = build_panel(cast)
    for rater in panel.raters[:5]:
        panel.vote(rater, {panel.a: ["好", "好"]})

    def close():
        return services.close_round(round_id=panel.round.pk, actor=cast.admin)

    emptied, closed = run_together(lambda: services.empty_ballot_box(round_id=panel.round.pk), close)
    assert not isinstance(emptied, Exception) and not isinstance(closed, Exception), (emptied, closed)
    assert not BallotBox.objects.exists()
    assert Ballot.objects.filter(appraisee=panel.a).count() == 5
    assert AppraisalResult.objects.get(appraisee=panel.a).valid_ballots == 5
