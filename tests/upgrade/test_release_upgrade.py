"""The last release's database, migrated forward, keeps every report, event, file and score."""

import pytest

from tests.upgrade.conftest import SNAPSHOT

pytestmark = pytest.mark.postgres


def test_migrate_runs_on_the_release_database(upgraded):
    assert "Applying" in upgraded.migrate_output or "No migrations to apply" in upgraded.migrate_output
    # Nothing is left unapplied: the upgraded schema is today's.
    applied = {name for (name,) in upgraded.rows("SELECT app || '.' || name FROM django_migrations")}
    assert "assessments.0001_initial" in applied


@pytest.mark.parametrize(
    "name",
    [
        "report_events",
        "report_event_rows",
        "evidence",
        "evidence_rows",
        "oversight_event_rows",
        "appraisal_event_rows",
        "oversight_attachment_rows",
        "unit_scores",
        "users",
    ],
)
def test_history_survives_the_upgrade(upgraded, name):
    assert upgraded.before[name], f"the release dump holds no {name}: the fixture is wrong"
    assert upgraded.rows(SNAPSHOT[name]) == upgraded.before[name]


def test_every_report_of_the_release_keeps_its_state(upgraded):
    """Reports may be added by an upgrade (a member post's own draft, issue 12), never lost
    or changed: each of the release's reports is still there, in its state."""
    after = {row[0]: row for row in upgraded.rows(SNAPSHOT["reports_by_assignment"])}
    assert upgraded.before["reports"][0][0] == len(upgraded.before["reports_by_assignment"])
    assert [after.get(row[0]) for row in upgraded.before["reports_by_assignment"]] == upgraded.before[
        "reports_by_assignment"
    ]
