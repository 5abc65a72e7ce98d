"""AUDIT_KEY comes from the environment in production, apart from SECRET_KEY."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHECK = "import django; django.setup(); from django.conf import settings; print(len(settings.AUDIT_KEY))"


def start(**environment):
    env = {k: v for k, v in os.environ.items() if k not in ("AUDIT_KEY", "SECRET_KEY")}
    env.update(DJANGO_SETTINGS_MODULE="config.settings.production", SECRET_KEY="s" * 50, **environment)
    return subprocess.run([sys.executable, "-c", CHECK], cwd=ROOT, env=env, capture_output=True, text=True)


def test_production_refuses_to_start_without_an_audit_key():
    result = start()
    assert result.returncode != 0 and "AUDIT_KEY" in result.stderr


def test_production_refuses_the_secret_key_as_audit_key():
    result = start(AUDIT_KEY="s" * 50)
    assert result.returncode != 0 and "AUDIT_KEY" in result.stderr


def test_production_starts_with_its_own_audit_key():
    result = start(AUDIT_KEY="a" * 48)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "48"
