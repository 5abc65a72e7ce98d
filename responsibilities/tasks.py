"""The scheduled directory sync (off until an admin enables "mingze: sync directory")."""

from celery import shared_task
from django.conf import settings
from django.utils.translation import override


@shared_task(name="responsibilities.sync_directory", acks_late=True)
def sync_directory() -> str:
    from .directory_sync import sync_directory as run

    with override(settings.LANGUAGE_CODE):
        plan = run()
    return f"{len(plan.lines)} changes"
