"""Development settings: what `make run` uses. DEBUG on, a development secret key."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env("SECRET_KEY", default="mingze-development-only-not-secret")
