"""Thin tasks over the export services; queued by name (``core.background``)."""

from celery import shared_task

from assessments.models import Period

from .services import build_export, build_hearing_pack, recover_stalled


@shared_task(acks_late=True)
def build_export_task(export_id: int) -> None:
    """Thin: the service claims the export, so a redelivered task does nothing twice."""
    build_export(export_id=export_id)


@shared_task(acks_late=True)
def build_hearing_pack_task(period_id: int) -> None:
    """The close of a period queues this: the hearing pack (PDF) and the workbook."""
    period = Period.objects.filter(pk=period_id).first()
    if period is not None:
        build_hearing_pack(period)


@shared_task(name="dashboard.sweep_stalled_exports")
def sweep_stalled_exports() -> int:
    """Beat runs this every few minutes: exports whose worker died are failed and rebuilt."""
    return len(recover_stalled())
