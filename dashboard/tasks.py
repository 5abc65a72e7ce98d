from celery import shared_task


@shared_task(acks_late=True)
def build_export_task(export_id: int) -> None:
    """Thin: the service claims the export, so a redelivered task does nothing twice."""
    from .services import build_export

    build_export(export_id=export_id)
