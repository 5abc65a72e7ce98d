"""Ballots cannot be linked in the database (issue 11, item 7; the design in
appraisals/anonymity.py).

PostgreSQL stamps every row with the id of the transaction that wrote it (``xmin``). Were
the token, the ballots and the scores written together, one ``xmin`` would group a voter's
sheet and pair it with their token. These tests read the ``xmin`` of every token, box,
ballot and score row and check: no ballot or score shares a transaction with a token, and
no transaction wrote ballots or scores of fewer than three voters."""

from collections import defaultdict

import pytest
from django.db import connection
from django.utils import translation

from appraisals import services
from appraisals.anonymity import BrokenSeal, seal, unseal
from appraisals.models import AppraisalResult, Ballot, BallotBox, BallotToken, Rater
from appraisals.tasks import empty_ballot_boxes
from core.errors import TransitionError
from schedules.beat import SCHEDULE
from tests.services import need_postgres


def rows(sql):
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


def xmins(table):
    return {x for (x,) in rows(f"SELECT xmin::text FROM {table}")}


def voters_by_transaction(sql):
    """xmin → the voters (read off the comment each test voter signs) of the rows it wrote."""
    groups = defaultdict(set)
    for xmin, voter in rows(sql):
        groups[xmin].add(voter)
    return groups


@pytest.fixture
def signed(panel):
    """Each rater votes A, B and C all 好 and signs each ballot with a comment of their own
    (only so that the test can tell whose a row was)."""

    def vote(rater):
        who = f"voter-{rater.pk}"
        panel.vote(
            rater,
            {a: ["好", "好"] for a in (panel.a, panel.b, panel.c)},
            comments=dict.fromkeys((panel.a, panel.b, panel.c), who),
        )

    return vote


@pytest.mark.django_db(transaction=True)
def test_no_ballot_shares_a_transaction_with_a_token_nor_with_fewer_than_three_voters(panel, cast, signed):
    need_postgres()
    raters = panel.raters  # nine
    for rater in raters[:4]:
        signed(rater)
    # Each voter's transaction wrote their token (in a savepoint: a subtransaction's id) and
    # one sealed box row, and no ballot.
    assert len(xmins("appraisals_ballottoken")) == 4 and len(xmins("appraisals_ballotbox")) == 4
    assert not Ballot.objects.exists()
    assert "voter-" not in " ".join(BallotBox.objects.values_list("sealed", flat=True))  # sealed

    voters_tx = xmins("appraisals_ballotbox")  # the voters' transactions, collected as they vote
    assert empty_ballot_boxes() == 4  # the Celery task: one batch of four voters
    assert not BallotBox.objects.exists() and Ballot.objects.count() == 12
    for rater in raters[4:6]:
        signed(rater)
    assert empty_ballot_boxes() == 0  # two waiting: too few to be counted apart
    assert BallotBox.objects.count() == 2
    for rater in raters[6:8]:
        signed(rater)
    voters_tx |= xmins("appraisals_ballotbox")
    assert empty_ballot_boxes() == 4
    signed(raters[8])  # one left for the close
    voters_tx |= xmins("appraisals_ballotbox")
    assert len(voters_tx) == 9
    services.close_round(round_id=panel.round.pk, actor=cast.admin)
    assert not BallotBox.objects.exists() and Ballot.objects.count() == 27

    tokens = xmins("appraisals_ballottoken")
    assert len(tokens) == 9
    ballots = voters_by_transaction("SELECT xmin::text, comment FROM appraisals_ballot")
    scores = voters_by_transaction(
        "SELECT s.xmin::text, b.comment FROM appraisals_ballotscore s JOIN appraisals_ballot b ON b.id = s.ballot_id"
    )
    assert sum(len(v) for v in ballots.values()) >= 9
    assert not tokens & set(ballots), "a ballot was written in a voter's transaction"
    assert not tokens & set(scores), "a score was written in a voter's transaction"
    assert not voters_tx & (set(ballots) | set(scores)), "a ballot was written with its sheet"
    assert all(len(voters) >= 3 for voters in ballots.values()), ballots
    assert all(len(voters) >= 3 for voters in scores.values()), scores
    # And the results were counted from all nine sheets.
    assert AppraisalResult.objects.get(appraisee=panel.a).valid_ballots == 9


@pytest.mark.django_db
def test_results_wait_for_the_box_and_the_close_counts_what_is_left(panel, cast):
    for rater in panel.raters[:2]:
        panel.vote(rater, {panel.a: ["好", "好"]})
    assert services.empty_ballot_box(round_id=panel.round.pk) == 0
    assert BallotBox.objects.count() == 2 and not Ballot.objects.exists()
    services.close_round(round_id=panel.round.pk, actor=cast.admin)
    assert Ballot.objects.filter(appraisee=panel.a).count() == 2 and not BallotBox.objects.exists()
    assert BallotToken.objects.count() == 2


def test_the_box_is_emptied_on_a_schedule():
    assert "appraisals.empty_ballot_boxes" in {entry.task for entry in SCHEDULE}


@pytest.mark.django_db
@translation.override("en")
def test_raters_and_criteria_are_frozen_once_the_round_opens_admin_included(panel, cast):
    raters = {"leadership": [u.pk for u in panel.leadership], "committee": [], "peer": []}
    with pytest.raises(TransitionError, match="fixed once the round"):
        services.set_participants(round_id=panel.round.pk, actor=cast.admin, posts=[], raters=raters)
    with pytest.raises(TransitionError, match="fixed once the round"):
        services.configure_round(round_id=panel.round.pk, actor=cast.admin, settings={}, criteria=[], levels=[])
    assert Rater.objects.filter(round=panel.round).count() == 9
    assert panel.round.criteria.count() == 2


def test_a_sealed_sheet_opens_only_with_the_servers_secret_and_in_its_own_round(settings):
    sheet = {"role": "peer", "ballots": [{"appraisee": 7, "comment": "好", "marks": [[1, 2, "100"]]}]}
    sealed = seal(round_id=3, sheet=sheet)
    assert unseal(round_id=3, sealed=sealed) == sheet
    assert "peer" not in sealed and sealed != seal(round_id=3, sheet=sheet)  # random nonce
    with pytest.raises(BrokenSeal):
        unseal(round_id=4, sealed=sealed)
    settings.SECRET_KEY = "someone-elses-guess"
    with pytest.raises(BrokenSeal):
        unseal(round_id=3, sealed=sealed)
