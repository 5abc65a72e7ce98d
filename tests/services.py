"""The real services some tests need. Locally a missing one skips its tests; in CI
(CI=true) it fails them, because a skipped test proves nothing there."""

import os
import shutil

import pytest
from django.conf import settings
from django.db import connection

IN_CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"


def need(service: str, available: bool, how: str) -> None:
    if available:
        return
    message = f"{service} is needed: {how}"
    if IN_CI:
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def need_postgres() -> None:
    need("PostgreSQL", connection.vendor == "postgresql", "set DATABASE_URL=postgres://…")


def redis_available() -> bool:
    url = settings.CELERY_BROKER_URL
    if not url.startswith("redis"):
        return False
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_timeout=2).ping())
    except redis.RedisError:
        return False


def need_redis() -> None:
    need("Redis", redis_available(), "set CELERY_BROKER_URL=redis://127.0.0.1:6379/0 with Redis running")


def need_chromium() -> None:
    need("Chromium", os.path.exists(CHROMIUM), "apt-get install chromium")
