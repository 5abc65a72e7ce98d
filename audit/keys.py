"""The audit trail's key: AUDIT_KEY from the environment, never stored in the database
(config/settings: required in production, derived from SECRET_KEY in development and
tests)."""

from django.conf import settings


def audit_key() -> bytes:
    return settings.AUDIT_KEY.encode("utf-8")
