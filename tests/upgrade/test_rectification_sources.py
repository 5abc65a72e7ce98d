"""Rectifications on an upgraded installation (issue 14): every row keeps its values, its
source follows what it was raised on, the duty it concerns is that of its report (none
where nothing names one). The migration's rule on rows the dump lacks (a hand-entered one
tied to a report or a notice afterwards) is tested in tests/oversight/test_sources_and_duty.py."""

import pytest

pytestmark = pytest.mark.postgres


def test_the_release_rectifications_keep_their_values_and_sources(upgraded):
    before = upgraded.before["rectification_rows"]
    assert before, "the release dump has no rectification: the fixture is wrong"
    after = upgraded.rows(
        "SELECT id, problem, measure, deadline, source, state, report_id, finding_id, notice_id, unit_id, post_id "
        "FROM oversight_rectification ORDER BY id"
    )
    assert after == before  # the release's rows already named their source right
    sources = {row[0]: row[4] for row in after}
    assert sources == {1: "appraisal", 2: "manual", 3: "manual"}  # row 1 was raised on a finding
    # No report behind any of them, so no duty either; the new column exists and is empty.
    assert upgraded.scalar("SELECT count(*) FROM oversight_rectification WHERE duty_id IS NOT NULL") == 0
