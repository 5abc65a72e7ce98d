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
# Unit tests run tasks in-process; the tests marked `worker` start a real one.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
ALLOWED_HOSTS = ["*"]
# The suite signs its cast in with force_login; the two-factor tests turn this back on.
MINGZE_TWO_FACTOR_FOR_ADMINS = False
