"""Settings for `make test`: the database and broker still come from the environment
(PostgreSQL and Redis in CI), e-mail stays in memory, passwords hash fast."""

from .base import *  # noqa: F403
from .base import audit_key_for, env

DEBUG = False
SECRET_KEY = "mingze-tests-only"
AUDIT_KEY = env("AUDIT_KEY", default="") or audit_key_for(SECRET_KEY)
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# One process: the cache in its memory, so a page's pinned query count is its own queries.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Sessions by the deployment's rule for this cache: their rows (a copy in one process's
# memory would be missed by the gunicorns some tests start).
SESSION_ENGINE = session_engine_for(CACHES["default"]["BACKEND"])  # noqa: F405
# Unit tests run tasks in-process; the tests marked `worker` start a real one.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
ALLOWED_HOSTS = ["*"]
# The suite signs its cast in with force_login; the two-factor tests turn this back on.
MINGZE_TWO_FACTOR_FOR_ADMINS = False

# `make test` runs the suite on every core (pytest-xdist): each worker process has a test
# database of its own (pytest-django's ``…_gw0``, ``…_gw1``), and with it its own upgrade and
# restore databases; live servers, gunicorns, slapd, PostgreSQL, PgBouncer, redis-server and
# RabbitMQ virtual hosts are the test's own, on free ports and in temporary folders. The
# machine's Redis is the one thing shared: each worker gets a database of it for the Celery
# broker, because Redis hands unacknowledged tasks back per database — a Celery worker that
# one test starts with a 3-second visibility timeout would otherwise give another test's
# running task to its queue a second time. Written back to the environment, so that the
# processes a test starts (which inherit it, or are handed this setting) use the same one.
_XDIST_WORKER = env("PYTEST_XDIST_WORKER", default="")
if (
    _XDIST_WORKER
    and CELERY_BROKER_URL.startswith(("redis://", "rediss://"))  # noqa: F405
    and env("MINGZE_TEST_BROKER_OF", default="") != _XDIST_WORKER
):
    import os
    from urllib.parse import urlsplit

    _broker = urlsplit(CELERY_BROKER_URL)  # noqa: F405
    _db = (int(_broker.path.strip("/") or 0) + int(_XDIST_WORKER.removeprefix("gw"))) % 16
    CELERY_BROKER_URL = _broker._replace(path=f"/{_db}").geturl()
    os.environ.update(CELERY_BROKER_URL=CELERY_BROKER_URL, MINGZE_TEST_BROKER_OF=_XDIST_WORKER)
