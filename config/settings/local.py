"""Development settings: what `make run` uses. DEBUG on, a development secret key."""

from .base import *  # noqa: F403
from .base import audit_key_for, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env("SECRET_KEY", default="mingze-development-only-not-secret")
# The demo signs its administrators in with the password alone; TWO_FACTOR_FOR_ADMINS=true
# shows the second factor that production requires of them.
MINGZE_TWO_FACTOR_FOR_ADMINS = env.bool("TWO_FACTOR_FOR_ADMINS", default=False)
AUDIT_KEY = env("AUDIT_KEY", default="") or audit_key_for(SECRET_KEY)
