from celery import shared_task

from . import services


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def send_notification_emails(ids: list[int], recipients: list[int] | None = None, paired: bool = False) -> int:
    return services.send_emails(ids, recipients, paired=paired)


@shared_task(name="notifications.send_pending_emails", acks_late=True)
def send_pending_emails() -> int:
    return services.send_pending_emails()
