"""Assignments move to posts (issue 12, item 1): the last release's database, migrated
forward, keeps every assignment, report, event, evidence file and score, and the duties of
each 班子成员 are carried by every member post."""

import pytest

from tests.upgrade.conftest import SNAPSHOT

pytestmark = pytest.mark.postgres


@pytest.mark.parametrize(
    "name", ["report_event_rows", "evidence_rows", "unit_scores", "oversight_event_rows", "appraisal_event_rows"]
)
def test_every_event_file_and_score_survives(upgraded, name):
    assert upgraded.before[name]
    assert upgraded.rows(SNAPSHOT[name]) == upgraded.before[name]


def test_every_report_stays_with_its_assignment(upgraded):
    before = upgraded.before["reports_by_assignment"]
    after = {row[0]: row for row in upgraded.rows(SNAPSHOT["reports_by_assignment"])}
    assert [after[row[0]] for row in before] == before


def test_every_assignment_keeps_its_id_duty_and_unit(upgraded):
    before = {pk: (duty, unit) for pk, duty, unit, _post in upgraded.before["assignments"]}
    after = {pk: (duty, unit) for pk, duty, unit, _post in upgraded.rows(SNAPSHOT["assignments"])}
    assert {pk: after[pk] for pk in before} == before


def test_the_discipline_group_becomes_a_root_with_its_reports_and_scores(upgraded):
    assert upgraded.rows("SELECT depth FROM responsibilities_unit WHERE kind = 'discipline_group'") == [(1,)]
    roots = upgraded.scalar("SELECT count(*) FROM responsibilities_unit WHERE depth = 1")
    assert roots == 2  # the 党组 and the 纪检监察组
    parent = upgraded.rows("SELECT numchild FROM responsibilities_unit WHERE kind = 'leading_group'")[0][0]
    assert parent == upgraded.scalar("SELECT count(*) FROM responsibilities_unit WHERE depth = 2")


def test_every_assignment_is_carried_by_a_post_of_its_unit(upgraded):
    astray = upgraded.scalar(
        "SELECT count(*) FROM responsibilities_assignment a JOIN responsibilities_post p ON p.id = a.post_id "
        "WHERE p.unit_id <> a.unit_id"
    )
    assert astray == 0


def test_each_member_duty_is_carried_by_every_member_post(upgraded):
    rows = upgraded.rows(
        "SELECT d.code, p.id FROM responsibilities_duty d "
        "JOIN responsibilities_post p ON p.kind IN ('member', 'group_member', 'deputy_secretary') AND p.active "
        "JOIN responsibilities_unit u ON u.id = p.unit_id AND u.kind = 'leading_group' "
        "WHERE d.subject = 'leading_group_member' AND d.active AND NOT EXISTS ("
        "  SELECT 1 FROM responsibilities_assignment a WHERE a.duty_id = d.id AND a.post_id = p.id)"
    )
    assert rows == []
    carriers = upgraded.scalar(
        "SELECT count(DISTINCT a.post_id) FROM responsibilities_assignment a "
        "JOIN responsibilities_duty d ON d.id = a.duty_id WHERE d.subject = 'leading_group_member'"
    )
    assert carriers >= 2  # the demo 党组 has two members: each carries their own now


def test_a_new_member_assignment_has_its_draft_in_the_open_period(upgraded):
    new = [pk for pk, *_ in upgraded.rows(SNAPSHOT["assignments"])]
    old = {pk for pk, *_ in upgraded.before["assignments"]}
    added = [pk for pk in new if pk not in old]
    assert added
    drafts = upgraded.scalar(
        "SELECT count(*) FROM assessments_report r JOIN assessments_period p ON p.id = r.period_id "
        "WHERE p.state = 'open' AND r.state = 'draft' AND r.assignment_id = ANY(%s)",
        [added],
    )
    assert drafts >= 1
    history = upgraded.scalar(
        "SELECT count(*) FROM responsibilities_historicalassignment WHERE id = ANY(%s) AND history_type = '+'", [added]
    )
    assert history == len(added)
