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
        "reports",
        "report_states",
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
