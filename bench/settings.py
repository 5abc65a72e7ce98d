"""Settings of the bench (`make bench`), for its own process and the gunicorn it starts:
production-like (DEBUG off, persistent connections, the cached template loader) against
the separate PostgreSQL database that bench/database.py makes, never a working one.

Tasks are published to an in-memory broker and never run (what is measured is the page or
the job itself; e-mail delivery is measured on its own against a local SMTP server).
"""

import os
import tempfile

import environ

from config.settings.base import *  # noqa: F403
from config.settings.base import audit_key_for, env

DEBUG = False
# The bench's own processes (gunicorn, the export) share the key of the process that signed
# the sessions they are given.
SECRET_KEY = os.environ.get("BENCH_SECRET_KEY") or "mingze-bench-only-not-secret-0123456789abcdef"
AUDIT_KEY = audit_key_for(SECRET_KEY)
MINGZE_AUDIT_ANCHOR_DIR = os.path.join(tempfile.gettempdir(), "mingze-bench-audit")
ALLOWED_HOSTS = ["*"]
BENCH_DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/mingze_bench")
DATABASES = {"default": environ.Env.db_url_config(BENCH_DATABASE_URL)}
DATABASES["default"]["CONN_MAX_AGE"] = 600
ROOT_URLCONF = "bench.urls"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Static files by their plain names: the bench does not run collectstatic, and the
    # manifest's lookup is not what is measured.
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = env("BENCH_MEDIA_ROOT", default=os.path.join(tempfile.gettempdir(), "mingze-bench-media"))
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
CELERY_BROKER_URL = "memory://localhost//"
CELERY_TASK_ALWAYS_EAGER = False
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
AXES_ENABLED = False
