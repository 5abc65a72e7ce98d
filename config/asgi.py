import os

from django.core.asgi import get_asgi_application

from core.busy import limit_lock_waits

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
# A web request waits for a lock at most DATABASE_LOCK_TIMEOUT seconds (core/busy.py).
limit_lock_waits()
application = get_asgi_application()
