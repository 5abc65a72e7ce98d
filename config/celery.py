"""The Celery application of Mingze.

Tasks live in each app's ``tasks.py``; the beat schedule is declared once in
``schedules.beat`` and synced into django-celery-beat.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("mingze")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
