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
from django.conf import settings

from tests.services import need

DUMP = Path(__file__).with_name("release-d598088.sql.gz")
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


@pytest.fixture(scope="session")
def upgraded(django_db_blocker) -> Upgraded:
    """Restore the release dump into ``<test db>_upgrade`` and run today's ``migrate`` on it."""
    db = settings.DATABASES["default"]
    need("PostgreSQL", db["ENGINE"].endswith("postgresql"), "set DATABASE_URL=postgres://…")
    target = f"{db['NAME']}_upgrade"
    if not target.startswith("test_"):
        target = f"test_{target}"
    params = {"host": db["HOST"] or "127.0.0.1", "port": db["PORT"] or 5432, "user": db["USER"]}
    with django_db_blocker.unblock():
        admin = psycopg2.connect(dbname="postgres", **params)
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{target}"')
            cursor.execute(f'CREATE DATABASE "{target}"')
        admin.close()
        url = f"postgres://{params['user']}@{params['host']}:{params['port']}/{target}"
        restore = subprocess.run(
            ["psql", "-q", "-v", "ON_ERROR_STOP=1", url],
            input=gzip.decompress(DUMP.read_bytes()),
            capture_output=True,
            check=False,
        )
        assert restore.returncode == 0, restore.stderr.decode()[-2000:]
        connection = psycopg2.connect(dbname=target, **params)
        connection.autocommit = True
        before = {name: _rows(connection, sql) for name, sql in SNAPSHOT.items()}
        env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
        migrate = subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert migrate.returncode == 0, migrate.stdout[-3000:] + migrate.stderr[-3000:]
        yield Upgraded(url=url, connection=connection, before=before, migrate_output=migrate.stdout)
        connection.close()
