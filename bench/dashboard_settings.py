"""Settings of the dashboard bench: production-like (DEBUG off, persistent connections)
against a separate PostgreSQL database that the bench fills itself, never the real one."""

import os
import tempfile

import environ

from config.settings.base import *  # noqa: F403
from config.settings.base import env

DEBUG = False
# The bench's own processes (gunicorn, the export) share the key of the process that signed
# the sessions they are given.
SECRET_KEY = os.environ.get("BENCH_SECRET_KEY") or "mingze-bench-only-not-secret-0123456789abcdef"
ALLOWED_HOSTS = ["*"]
BENCH_DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/mingze_bench")
DATABASES = {"default": environ.Env.db_url_config(BENCH_DATABASE_URL)}
DATABASES["default"]["CONN_MAX_AGE"] = 600
ROOT_URLCONF = "bench.dashboard_urls"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = env("BENCH_MEDIA_ROOT", default=os.path.join(tempfile.gettempdir(), "mingze-bench-media"))
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
CELERY_TASK_ALWAYS_EAGER = True
AXES_ENABLED = False
