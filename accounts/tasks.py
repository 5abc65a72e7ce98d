"""The security log's daily purge of entries past their retention (never a newer one)."""

from celery import shared_task


@shared_task(name="accounts.purge_security_log", acks_late=True)
def purge_security_log() -> str:
    from .security import purge

    return f"{purge()} entries purged"
