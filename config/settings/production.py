"""Production settings: refuse to start without a real secret; secure transport."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import AUDIT_KEY, DEBUG, SECRET_KEY, env

if DEBUG:
    raise ImproperlyConfigured("DJANGO_DEBUG must be off in production.")
if not SECRET_KEY or len(SECRET_KEY) < 32:
    raise ImproperlyConfigured("SECRET_KEY must be set (at least 32 characters) in production.")
# The audit trail's links are keyed with AUDIT_KEY (audit/chain.py): a key of its own, kept
# out of the database and apart from SECRET_KEY, so whoever reads the one has not the other.
if not AUDIT_KEY or len(AUDIT_KEY) < 32:
    raise ImproperlyConfigured("AUDIT_KEY must be set (at least 32 characters) in production.")
if AUDIT_KEY == SECRET_KEY:
    raise ImproperlyConfigured("AUDIT_KEY must differ from SECRET_KEY.")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
