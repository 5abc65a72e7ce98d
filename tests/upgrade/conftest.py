"""An installation upgraded in place: a database made by the last release (main at
d598088) with its demo data — a closed half-year with scores, an open one with reports,
events, evidence, an appraisal round, a rectification and a notice — restored into a new
PostgreSQL database and migrated forward by today's code.

The dump (``release-d598088.sql.gz``) was made with that release's ``migrate``,
``load_checklist``, ``load_demo`` and ``sync_schedules``, then ``pg_dump --no-owner
--no-acl``. Every model change ships a data migration; its test reads this database before
and after ``migrate`` (``upgraded`` below) and checks that nothing was lost.
"""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import psycopg2
import pytest
from django.apps import apps as django_apps
from django.conf import settings

from tests.services import need

DUMP = Path(__file__).with_name("release-d598088.sql.gz")
MAIN_DUMP = Path(__file__).with_name("main-5f8f5ba.sql.gz")
LAST_MAIN_DUMP = Path(__file__).with_name("main-28da649.sql.gz")
ROOT = Path(__file__).resolve().parents[2]


def _rows(connection, sql, params=None):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


@dataclass
class Upgraded:
    """The release's database after ``migrate``; ``before`` holds what was read from it
    before migrating (``snapshot`` queries run on the release's schema)."""

    url: str
    connection: object
    before: dict
    migrate_output: str

    def rows(self, sql, params=None):
        return _rows(self.connection, sql, params)

    def scalar(self, sql, params=None):
        return self.rows(sql, params)[0][0]


# Read from the release's schema before migrating; tests compare with the migrated data.
SNAPSHOT = {
    "reports": "SELECT count(*) FROM assessments_report",
    "report_states": "SELECT state, count(*) FROM assessments_report GROUP BY state ORDER BY state",
    "report_events": "SELECT count(*) FROM assessments_reportevent",
    "report_event_rows": "SELECT id, report_id, action, from_state, to_state, comment FROM assessments_reportevent "
    "ORDER BY id",
    "evidence": "SELECT id, report_id, sha256, original_name FROM assessments_evidence ORDER BY id",
    # The three event tables and the files share the kernel's bases (core.events, core.attachments)
    # since the release: every row and value is kept.
    "evidence_rows": "SELECT id, file, extension, content_type, description, size, uploaded_by_id, uploaded_at, "
    "work_date, removed_at FROM assessments_evidence ORDER BY id",
    "oversight_event_rows": "SELECT id, rectification_id, notice_id, actor_id, at, action, from_state, to_state, "
    "comment FROM oversight_event ORDER BY id",
    "appraisal_event_rows": "SELECT id, round_id, appraisee_id, actor_id, at, action, comment "
    "FROM appraisals_appraisalevent ORDER BY id",
    "oversight_attachment_rows": "SELECT id, rectification_id, notice_id, file, sha256, original_name "
    "FROM oversight_attachment ORDER BY id",
    "unit_scores": "SELECT unit_id, period_id, score, subtree_score, reports, on_time FROM scoring_unitscore "
    "ORDER BY unit_id, period_id",
    "assignments": "SELECT id, duty_id, unit_id, post_id FROM responsibilities_assignment ORDER BY id",
    "reports_by_assignment": "SELECT id, assignment_id, period_id, unit_id, state FROM assessments_report ORDER BY id",
    # Issue 12 item 6/9: every report was due with its period; duties' weights before the fix.
    "report_period_due": "SELECT r.id, p.due_on FROM assessments_report r JOIN assessments_period p "
    "ON p.id = r.period_id ORDER BY r.id",
    "duty_weights": "SELECT d.id, d.weight, c.key FROM responsibilities_duty d JOIN responsibilities_category c "
    "ON c.id = d.category_id ORDER BY d.id",
    "users": "SELECT username FROM accounts_user ORDER BY username",
    "post_kinds": "SELECT p.id, p.kind, u.kind FROM responsibilities_post p "
    "JOIN responsibilities_unit u ON u.id = p.unit_id ORDER BY p.id",
    "units": "SELECT id, code, name, kind, active FROM responsibilities_unit ORDER BY id",
    "audit_links": "SELECT count(*) FROM audit_auditlink",
    "notification_texts": "SELECT id, title, body FROM notifications_notification ORDER BY id",
    # The release's administrators: the admin group's members and the superusers (17a).
    "administrators": "SELECT DISTINCT u.username FROM accounts_user u LEFT JOIN accounts_user_groups ug "
    "ON ug.user_id = u.id LEFT JOIN auth_group g ON g.id = ug.group_id "
    "WHERE g.name = 'admin' OR u.is_superuser ORDER BY 1",
    # Issue 11 item 7: ballots cast before the ballot box existed stay where they are.
    "ballot_rows": "SELECT id, round_id, appraisee_id, rater_role, comment FROM appraisals_ballot ORDER BY id",
    "ballot_score_rows": "SELECT id, ballot_id, criterion_id, level_id, points FROM appraisals_ballotscore ORDER BY id",
    "ballot_token_rows": "SELECT id, round_id, token FROM appraisals_ballottoken ORDER BY id",
    "appraisal_result_rows": "SELECT appraisee_id, score, grade_id, valid_ballots, invalid_ballots, enough_ballots, "
    "rank FROM appraisals_appraisalresult ORDER BY appraisee_id",
    # Issue 14: rectifications keep every value; their source follows their links.
    "rectification_rows": "SELECT id, problem, measure, deadline, source, state, report_id, finding_id, notice_id, "
    "unit_id, post_id FROM oversight_rectification ORDER BY id",
}


def restore_and_migrate(dump: Path, suffix: str, snapshot: dict) -> Upgraded:
    """Restore ``dump`` into a new database ``<test db>_<suffix>``, read ``snapshot`` from it
    (the old schema), then run today's ``migrate`` on it. The caller closes the connection."""
    db = settings.DATABASES["default"]
    need("PostgreSQL", db["ENGINE"].endswith("postgresql"), "set DATABASE_URL=postgres://…")
    target = f"{db['NAME']}_{suffix}"
    if not target.startswith("test_"):
        target = f"test_{target}"
    params = {"host": db["HOST"] or "127.0.0.1", "port": db["PORT"] or 5432, "user": db["USER"]}
    admin = psycopg2.connect(dbname="postgres", **params)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{target}"')
        cursor.execute(f'CREATE DATABASE "{target}"')
    admin.close()
    url = f"postgres://{params['user']}@{params['host']}:{params['port']}/{target}"
    restore = subprocess.run(
        ["psql", "-q", "-v", "ON_ERROR_STOP=1", url],
        input=gzip.decompress(dump.read_bytes()),
        capture_output=True,
        check=False,
    )
    assert restore.returncode == 0, restore.stderr.decode()[-2000:]
    connection = psycopg2.connect(dbname=target, **params)
    connection.autocommit = True
    before = {name: sql(connection) if callable(sql) else _rows(connection, sql) for name, sql in snapshot.items()}
    migrate = manage(url, "migrate", "--noinput")
    assert migrate.returncode == 0, migrate.stdout[-3000:] + migrate.stderr[-3000:]
    return Upgraded(url=url, connection=connection, before=before, migrate_output=migrate.stdout)


def manage(url: str, *args: str, **env) -> subprocess.CompletedProcess:
    """Run today's ``manage.py`` on the database at ``url`` (test settings)."""
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.test", **env}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )


@pytest.fixture(scope="session")
def upgraded(django_db_blocker) -> Upgraded:
    """Restore the release dump into ``<test db>_upgrade`` and run today's ``migrate`` on it."""
    yield from _session_database(django_db_blocker, DUMP, "upgrade", SNAPSHOT)


def _session_database(django_db_blocker, dump: Path, suffix: str, snapshot: dict):
    with django_db_blocker.unblock():
        result = restore_and_migrate(dump, suffix, snapshot)
        yield result
        result.connection.close()


def mingze_tables(connection) -> list[tuple[str, int]]:
    """Every table of the Mingze apps (the apps in this repository), with its row count."""
    labels = sorted(app.label for app in django_apps.get_app_configs() if Path(app.path).is_relative_to(ROOT))
    names = [
        name
        for (name,) in _rows(
            connection,
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
            "AND table_type = 'BASE TABLE' ORDER BY table_name",
        )
        if any(name.startswith(f"{label}_") for label in labels)
    ]
    return [(name, _rows(connection, f'SELECT count(*) FROM "{name}"')[0][0]) for name in names]


def notices_of_two_organizations(connection) -> list[tuple]:
    """Add to the previous main a notice to the 纪检监察组 — a root of its own, so another
    organization than the 党组's tree — numbered after the others by the installation-wide
    counter of then; return every notice as (id, year, number, root of its unit). (Run after
    the row counts are read: the upgrade keeps the row, it is not one it must account for.)"""
    _rows(
        connection,
        "INSERT INTO oversight_supervisionnotice (year, number, matter, subject, body, deadline, state, issued_at, "
        "reply, pressed, issued_by_id, unit_id) SELECT n.year, c.last + 1, 'other', '纪检监察组督办', '请说明情况', "
        "n.deadline, 'issued', n.issued_at, '', 0, n.issued_by_id, u.id FROM oversight_supervisionnotice n "
        "JOIN oversight_noticecounter c ON c.year = n.year JOIN responsibilities_unit u "
        "ON u.kind = 'discipline_group' AND u.depth = 1 ORDER BY n.id, u.path LIMIT 1 RETURNING id",
    )
    _rows(connection, "UPDATE oversight_noticecounter SET last = last + 1 RETURNING year")
    return _rows(
        connection,
        "SELECT n.id, n.year, n.number, r.id FROM oversight_supervisionnotice n JOIN responsibilities_unit u "
        "ON u.id = n.unit_id JOIN responsibilities_unit r ON r.path = substr(u.path, 1, 4) ORDER BY n.id",
    )


def appraisal_rounds_and_an_empty_one(connection) -> list[tuple]:
    """Add to the previous main a draft round nobody is appraised in (its organization is
    the first root: nothing else names one), then return each round with the roots of its
    appraised secretaries' units. (Run after the row counts are read, like the notice.)"""
    _rows(
        connection,
        "INSERT INTO appraisals_appraisalround (year, title, state, min_valid_ballots, leadership_weight, "
        "committee_weight, peer_weight, peer_sample_size, created_at, created_by_id) SELECT 2039, '空的评议', "
        "'draft', 5, 50, 30, 20, 3, created_at, created_by_id FROM appraisals_appraisalround ORDER BY id LIMIT 1 "
        "RETURNING id",
    )
    return _rows(
        connection,
        "SELECT ro.id, array_agg(r.id ORDER BY r.id) FILTER (WHERE r.id IS NOT NULL) "
        "FROM appraisals_appraisalround ro LEFT JOIN appraisals_appraisee a ON a.round_id = ro.id "
        "LEFT JOIN responsibilities_unit u ON u.id = a.unit_id LEFT JOIN responsibilities_unit r "
        "ON r.path = substr(u.path, 1, 4) GROUP BY ro.id ORDER BY ro.id",
    )


# Read from the previous main's schema (5f8f5ba) before migrating.
MAIN_SNAPSHOT = {
    "tables": mingze_tables,
    "reports": "SELECT id, assignment_id, period_id, unit_id, state, content, self_assessment, submitted_at, "
    "reviewed_at, grade, review_comment, late FROM assessments_report ORDER BY id",
    "report_events": "SELECT id, report_id, at, action, from_state, to_state, comment, actor_id "
    "FROM assessments_reportevent ORDER BY id",
    "evidence": "SELECT id, report_id, sha256, original_name FROM assessments_evidence ORDER BY id",
    "unit_scores": "SELECT unit_id, period_id, score, subtree_score FROM scoring_unitscore ORDER BY unit_id, period_id",
    "report_period_due": "SELECT r.id, p.due_on FROM assessments_report r JOIN assessments_period p "
    "ON p.id = r.period_id ORDER BY r.id",
    "group_member_posts": "SELECT p.id FROM responsibilities_post p JOIN responsibilities_unit u ON u.id = p.unit_id "
    "WHERE p.kind = 'member' AND u.kind = 'leading_group' ORDER BY p.id",
    "post_kinds": "SELECT p.id, p.kind FROM responsibilities_post p ORDER BY p.id",
    # A rectification's duty: that of the report it was raised on, directly or through its notice.
    "rectification_links": "SELECT r.id, r.source, r.notice_id, r.finding_id, r.report_id, "
    "COALESCE(a.duty_id, na.duty_id) FROM oversight_rectification r "
    "LEFT JOIN assessments_report rep ON rep.id = r.report_id "
    "LEFT JOIN responsibilities_assignment a ON a.id = rep.assignment_id "
    "LEFT JOIN oversight_supervisionnotice n ON n.id = r.notice_id "
    "LEFT JOIN assessments_report nrep ON nrep.id = n.report_id "
    "LEFT JOIN responsibilities_assignment na ON na.id = nrep.assignment_id ORDER BY r.id",
    "meeting_decisions": "SELECT id, decision FROM assessments_meeting ORDER BY id",
    "audit_links": "SELECT organization, sequence, content_hash FROM audit_auditlink ORDER BY organization, sequence",
    # Each round with the roots of its appraised secretaries' or nominations' units.
    "appraisal_rounds": appraisal_rounds_and_an_empty_one,
    "honour_rounds": lambda connection: (
        _rows(
            connection,
            "SELECT ro.id, array_agg(r.id ORDER BY r.id) FILTER (WHERE r.id IS NOT NULL) "
            "FROM honours_honourround ro LEFT JOIN honours_nomination a ON a.round_id = ro.id "
            "LEFT JOIN responsibilities_unit u ON u.id = a.unit_id LEFT JOIN responsibilities_unit r "
            "ON r.path = substr(u.path, 1, 4) GROUP BY ro.id ORDER BY ro.id",
        )
        if _rows(connection, "SELECT to_regclass('honours_honourround') IS NOT NULL")[0][0]
        else []
    ),
    "notices": notices_of_two_organizations,
}


@pytest.fixture(scope="session")
def upgraded_main(django_db_blocker) -> Upgraded:
    """Restore the previous main's dump into ``<test db>_upgrade_main`` and migrate it forward."""
    yield from _session_database(django_db_blocker, MAIN_DUMP, "upgrade_main", MAIN_SNAPSHOT)


# Read from the last main's schema (28da649, made with tests/upgrade/use-28da649.py) before
# migrating: what every previous main is checked for, and the rows this stop's migrations move.
LAST_MAIN_SNAPSHOT = {
    name: MAIN_SNAPSHOT[name]
    for name in (
        "tables",
        "reports",
        "report_events",
        "evidence",
        "unit_scores",
        "audit_links",
        "appraisal_rounds",
        "honour_rounds",
        "notices",
    )
} | {
    "year_end_exports": "SELECT token::text, year, unit_id, requested_by_id, language, status, progress, file, "
    "error FROM honours_yearendexport ORDER BY id",
    "record_files": "SELECT id, record_id, sha256, original_name FROM worklog_recordfile ORDER BY id",
}


@pytest.fixture(scope="session")
def upgraded_last_main(django_db_blocker) -> Upgraded:
    """Restore the last main's dump into ``<test db>_upgrade_last`` and migrate it forward."""
    yield from _session_database(django_db_blocker, LAST_MAIN_DUMP, "upgrade_last", LAST_MAIN_SNAPSHOT)


@pytest.fixture(params=["upgraded_main", "upgraded_last_main"])
def previous_main(request) -> Upgraded:
    """Each previous main's database, migrated forward: what holds for every upgrade."""
    return request.getfixturevalue(request.param)


def executor_at(targets):
    """Migrate the test database to ``targets`` (forward or back); the executor, its graph
    read again."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor
