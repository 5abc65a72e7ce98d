"""Thin tasks over the honours services; queued by name (``core.background``)."""

from celery import shared_task

from .services import build_year_end


@shared_task(acks_late=True)
def build_year_end_task(export_id: int) -> None:
    """Thin: the service claims the export, so a redelivered task does nothing twice."""
    build_year_end(export_id=export_id)
