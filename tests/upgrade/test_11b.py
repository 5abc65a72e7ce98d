"""Upgrading a release database (issue 11, items 5 and 7): ballots, their scores, tokens and
stored results cast before the ballot box existed stay as they were; the box starts empty;
exports gain a heartbeat column, empty for the exports already there."""

import pytest

from tests.upgrade.conftest import SNAPSHOT

pytestmark = pytest.mark.postgres


@pytest.mark.parametrize("name", ["ballot_rows", "ballot_score_rows", "ballot_token_rows", "appraisal_result_rows"])
def test_existing_ballots_and_results_stay(upgraded, name):
    assert upgraded.before[name], f"the release dump holds no {name}: the fixture is wrong"
    assert upgraded.rows(SNAPSHOT[name]) == upgraded.before[name]


def test_the_ballot_box_starts_empty_and_the_open_round_counts_old_and_new_ballots(upgraded):
    assert upgraded.scalar("SELECT count(*) FROM appraisals_ballotbox") == 0
    # The release's open round keeps its ballots for the close to count.
    open_round = upgraded.scalar("SELECT id FROM appraisals_appraisalround WHERE state = 'open'")
    assert upgraded.scalar("SELECT count(*) FROM appraisals_ballot WHERE round_id = %s", [open_round]) == sum(
        1 for row in upgraded.before["ballot_rows"] if row[1] == open_round
    )


def test_exports_have_a_heartbeat_column(upgraded):
    columns = {
        c
        for (c,) in upgraded.rows(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'dashboard_export'"
        )
    }
    assert "heartbeat_at" in columns
