"""Reports get their own due date (issue 12 item 6) and a key category's weight is counted
once (item 9): the last release's database, migrated forward, has every report due on its
period's date as before, one report per assignment and period (quarter 0), the same stored
scores, and the loader's doubled political weights back to 1."""

from decimal import Decimal

import pytest

from tests.upgrade.conftest import SNAPSHOT

pytestmark = pytest.mark.postgres


def test_every_report_is_due_on_its_period_s_date(upgraded):
    before = upgraded.before["report_period_due"]
    assert before
    after = dict(upgraded.rows("SELECT id, due_on FROM assessments_report ORDER BY id"))
    assert {pk: after[pk] for pk, _due in before} == dict(before)
    # Reports the upgrade made (a member post's own, issue 12 item 1) are due with their period too.
    astray = upgraded.scalar(
        "SELECT count(*) FROM assessments_report r JOIN assessments_period p ON p.id = r.period_id "
        "WHERE r.due_on <> p.due_on"
    )
    assert astray == 0
    assert upgraded.rows("SELECT DISTINCT quarter FROM assessments_report") == [(0,)]


def test_every_duty_is_due_with_the_half_year(upgraded):
    windows = upgraded.rows("SELECT DISTINCT due_window, due_month, due_day FROM responsibilities_duty")
    assert windows == [("half_year", None, None)]


def test_political_duties_weigh_once(upgraded):
    before = {pk: (weight, key) for pk, weight, key in upgraded.before["duty_weights"]}
    assert any(key and weight == Decimal(2) for weight, key in before.values())  # the release's doubling
    after = dict(upgraded.rows("SELECT id, weight FROM responsibilities_duty"))
    for pk, (weight, key) in before.items():
        assert after[pk] == (Decimal(1) if key and weight == Decimal(2) else weight)


def test_stored_scores_are_kept(upgraded):
    assert upgraded.rows(SNAPSHOT["unit_scores"]) == upgraded.before["unit_scores"]
