"""The release's audit trail after the upgrade: its plain SHA-256 links are re-chained
under AUDIT_KEY (HMAC), every event of the release is in a chain, and ``verify_audit``
passes on the migrated database."""

import hashlib
import os
import subprocess
import sys

import pytest

from tests.upgrade.conftest import ROOT

pytestmark = pytest.mark.postgres

EVENTS = (
    "SELECT (SELECT count(*) FROM assessments_reportevent) + (SELECT count(*) FROM oversight_event)"
    " + (SELECT count(*) FROM appraisals_appraisalevent)"
)


def test_verify_audit_passes_after_the_upgrade(upgraded, tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": upgraded.url,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "MINGZE_AUDIT_ANCHOR_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "verify_audit"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert upgraded.scalar("SELECT count(*) FROM audit_auditlink") == upgraded.scalar(EVENTS)
    assert upgraded.scalar("SELECT count(*) FROM audit_auditlink") >= upgraded.before["audit_links"][0][0]


def test_the_release_links_are_keyed_now(upgraded):
    rows = upgraded.rows("SELECT organization, sequence, content_hash, previous_hash, hash FROM audit_auditlink")
    assert rows
    for organization, sequence, content, previous, digest in rows:
        plain = hashlib.sha256(f"{organization}|{sequence}|{content}|{previous}".encode()).hexdigest()
        assert digest != plain
