"""Exports: asked for from the dashboard or by the close of a period, built in the background.

``request_export`` records what was asked and queues the build after commit;
``build_export`` does the work in a Celery worker and is safe to run twice;
``build_hearing_pack`` is what the close of a period calls (一、三 "每半年听取一次党建工作汇报").
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files import File
from django.urls import reverse
from django.utils import timezone, translation

from accounts import roles
from assessments.models import Period
from core.background import queue_on_commit
from core.replica import heavy_reads
from notifications.services import notify
from responsibilities.models import Unit

from .models import Export

log = logging.getLogger(__name__)


def request_export(*, user, kind: str, period: Period, unit: Unit | None) -> Export:
    """Ask for an export of ``period`` over ``unit``'s subtree (None: the whole organization),
    written in the language active now (the asker's).

    Permission is the caller's to check (``permissions.scope_for``). An export of the same
    kind, period and subtree that is still waiting or being built is returned instead of a
    second one, so a double click builds once. The build is queued after commit.
    """
    active = Export.objects.filter(kind=kind, period=period, unit=unit, status__in=Export.ACTIVE).first()
    if active is not None:
        return active
    export = Export.objects.create(
        kind=kind, period=period, unit=unit, requested_by=user, language=translation.get_language() or ""
    )
    queue_on_commit("dashboard.tasks.build_export_task", export.pk)
    return export


def set_progress(export_id: int, percent: int) -> None:
    Export.objects.filter(pk=export_id, status=Export.Status.RUNNING).update(progress=max(0, min(99, int(percent))))


def build_export(*, export_id: int) -> Export | None:
    """Build export ``export_id`` and store its file under MEDIA_ROOT.

    Claims the export with a conditional update (pending → running), so a second run of the
    same task, or a second worker, does nothing. On failure the export is marked failed with
    the error, and the page says so; nothing half-written is offered for download.
    """
    claimed = Export.objects.filter(pk=export_id, status=Export.Status.PENDING).update(
        status=Export.Status.RUNNING, progress=0
    )
    if not claimed:
        return None
    export = Export.objects.select_related("period", "unit", "requested_by").get(pk=export_id)
    try:
        with tempfile.TemporaryDirectory(prefix="mingze-export-") as folder:
            path = Path(folder) / f"export{export.extension}"
            _write(export, path)
            with path.open("rb") as handle:
                export.file.save(f"{export.token}{export.extension}", File(handle), save=False)
    except Exception as error:  # the page must say it failed rather than spin forever
        log.exception("export %s failed", export_id)
        Export.objects.filter(pk=export_id).update(
            status=Export.Status.FAILED, error=str(error)[:1000], finished_at=timezone.now()
        )
        export.refresh_from_db()
        return export
    Export.objects.filter(pk=export_id).update(
        status=Export.Status.DONE, progress=100, file=export.file.name, finished_at=timezone.now()
    )
    export.refresh_from_db()
    if export.requested_by_id:
        _tell_requester(export)
    return export


def _tell_requester(export: Export) -> None:
    """The page may have been left (UX.md, long work): the result also appears under 通知."""
    params = f"?period={export.period_id}" + (f"&unit={export.unit_id}" if export.unit_id else "")
    url = reverse("dashboard:index") + params + "#exports"
    notify(
        recipients=[export.requested_by],
        kind="export_ready",
        template="export_ready",
        context={"kind": Export.Kind(export.kind).label, "period": export.period, "url": url},
        url=url,
    )


def _write(export: Export, path: Path) -> None:
    def progress(percent):
        set_progress(export.pk, percent)

    # Written in the language of whoever asked; the system's exports in the first language.
    # Read on the replica once it has all that was written before (core/replica.py).
    language = export.language or settings.LANGUAGE_CODE
    with translation.override(language), heavy_reads(caught_up=True):
        _write_file(export, path, progress)


def _write_file(export: Export, path: Path, progress) -> None:
    if export.kind == Export.Kind.EXCEL:
        from .exports.excel import write_workbook

        write_workbook(period=export.period, root=export.unit, path=path, progress=progress)
    else:
        from .exports.pdf import write_hearing_pack

        write_hearing_pack(period=export.period, root=export.unit, path=path, progress=progress)


def build_hearing_pack(period: Period, *, notify_leadership: bool = True) -> list[Export]:
    """Build the semiannual hearing pack of ``period`` for the whole organization — the PDF
    and the Excel workbook — now, in the calling process, and tell leadership it is ready.

    Meant for the close of a period (a Celery task already): returns the two exports, each
    done or failed. Running it again builds a fresh pair; nothing earlier is deleted.
    """
    exports = [
        Export.objects.create(kind=kind, period=period, unit=None) for kind in (Export.Kind.PDF, Export.Kind.EXCEL)
    ]
    built = [build_export(export_id=export.pk) for export in exports]
    if notify_leadership and all(e is not None and e.status == Export.Status.DONE for e in built):
        people = (
            get_user_model()
            .objects.filter(is_active=True, groups__name__in=[roles.ADMIN, roles.LEADER])
            .distinct()
            .order_by("pk")
        )
        url = reverse("dashboard:index") + f"?period={period.pk}#exports"
        notify(
            recipients=people,
            kind="hearing_pack_ready",
            template="hearing_pack_ready",
            context={"period": period, "url": url},
            url=url,
        )
    return built
