"""What each deployment setting of README's configuration table turns into, read by a fresh
process from the environment as gunicorn and the workers read it: with none of them, the
embedded default of `make run`; with all of them, a deployment beyond one machine."""

import json
import os
import subprocess
import sys

from django.conf import settings

SHOW = """
import json
from django.conf import settings as s
print(json.dumps({
    "databases": {k: {n: v.get(n) for n in ("ENGINE", "PORT", "DISABLE_SERVER_SIDE_CURSORS", "TEST", "OPTIONS")}
                  for k, v in s.DATABASES.items()},
    "routers": s.DATABASE_ROUTERS,
    "cache": s.CACHES["default"]["BACKEND"], "cache_location": s.CACHES["default"].get("LOCATION"),
    "storage": s.STORAGES["default"]["BACKEND"], "storage_options": s.STORAGES["default"].get("OPTIONS"),
    "sessions": s.SESSION_ENGINE, "max_lag": s.DATABASE_REPLICA_MAX_LAG,
    "own_writes": s.DATABASE_REPLICA_OWN_WRITES_SECONDS,
    "queues": [q.name for q in s.CELERY_TASK_QUEUES], "default_queue": s.CELERY_TASK_DEFAULT_QUEUE,
}, default=str))
"""
DEPLOYMENT = (
    "DATABASE_URL",
    "DATABASE_REPLICA_URL",
    "DATABASE_REPLICA_MAX_LAG",
    "DATABASE_TRANSACTION_POOLING",
    "REDIS_URL",
    "CACHE_URL",
    "AWS_STORAGE_BUCKET_NAME",
    "AWS_S3_ENDPOINT_URL",
)


def settings_with(**env) -> dict:
    base = {k: v for k, v in os.environ.items() if k not in DEPLOYMENT and not k.startswith("DATABASE_REPLICA")}
    answer = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {SHOW}"],
        cwd=settings.BASE_DIR,
        env={**base, "DJANGO_SETTINGS_MODULE": "config.settings.local", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert answer.returncode == 0, answer.stderr[-2000:]
    return json.loads(answer.stdout.strip().splitlines()[-1])


def test_with_nothing_set_mingze_runs_on_one_machine_and_still_keeps_no_state_in_a_process():
    shown = settings_with()
    assert list(shown["databases"]) == ["default"] and shown["routers"] == []
    assert shown["databases"]["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert shown["cache"] == "django.core.cache.backends.db.DatabaseCache"  # a table, not a process's memory
    assert shown["storage"] == "django.core.files.storage.FileSystemStorage"
    # Sessions in their rows: cached_db on the database cache would read two rows, not one.
    assert shown["sessions"] == "django.contrib.sessions.backends.db"
    assert shown["queues"] == ["default", "mail", "exports"] and shown["default_queue"] == "default"


def test_a_deployment_beyond_one_machine_is_configuration():
    shown = settings_with(
        DATABASE_URL="postgres://mingze@127.0.0.1:6432/mingze",
        DATABASE_REPLICA_URL="postgres://mingze@10.0.0.2:6432/mingze",
        DATABASE_REPLICA_MAX_LAG="5",
        DATABASE_TRANSACTION_POOLING="true",
        REDIS_URL="redis://127.0.0.1:6379/1",
        AWS_STORAGE_BUCKET_NAME="mingze-files",
        AWS_S3_ENDPOINT_URL="https://oss.example:9000",
    )
    default, replica = shown["databases"]["default"], shown["databases"]["replica"]
    assert shown["routers"] == ["core.replica.ReplicaRouter"]
    assert replica["TEST"]["MIRROR"] == "default" and replica["OPTIONS"]["connect_timeout"] == 2
    assert default["DISABLE_SERVER_SIDE_CURSORS"] is True and replica["DISABLE_SERVER_SIDE_CURSORS"] is True
    assert shown["max_lag"] == 5.0 and shown["own_writes"] == 5.0
    # Django's Redis cache without a new client per call (core/rediscache.py).
    assert shown["cache"] == "core.rediscache.RedisCache"
    assert shown["cache_location"] == "redis://127.0.0.1:6379/1"
    # Sessions read from Redis and written to Redis and their row (issue 15): no query on a
    # cached page, still in no process (issue 16), so any gunicorn serves any session, and
    # a session Redis lost is read from its row.
    assert shown["sessions"] == "django.contrib.sessions.backends.cached_db"
    assert shown["storage"] == "storages.backends.s3.S3Storage"
    assert shown["storage_options"]["bucket_name"] == "mingze-files"
    assert shown["storage_options"]["endpoint_url"] == "https://oss.example:9000"
    assert shown["storage_options"]["file_overwrite"] is False


def test_a_cache_url_of_redis_keeps_sessions_in_redis_and_any_other_in_their_rows():
    shown = settings_with(CACHE_URL="redis://127.0.0.1:6379/3")
    assert shown["cache"] == "core.rediscache.RedisCache"
    assert shown["sessions"] == "django.contrib.sessions.backends.cached_db"
    shown = settings_with(CACHE_URL="pymemcache://127.0.0.1:11211")
    assert "memcached" in shown["cache"]
    assert shown["sessions"] == "django.contrib.sessions.backends.db"


def test_the_tests_keep_sessions_in_their_rows_beside_a_cache_in_their_own_memory():
    # The gunicorns some tests start never see this process's memory.
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
