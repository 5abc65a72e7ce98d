"""Exports: asked for from the dashboard or by the close of a period, built in the background.

``request_export`` records what was asked and queues the build after commit;
``build_export`` does the work in a Celery worker and is safe to run twice;
``recover_stalled`` fails and rebuilds an export whose worker died (no heartbeat);
``build_hearing_pack`` is what the close of a period calls (一、三 "每半年听取一次党建工作汇报").
"""

from __future__ import annotations

import datetime
import logging
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files import File
from django.db import connection
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts import roles
from assessments.models import Period
from core import exports as registered_kinds
from core.background import queue_on_commit
from core.replica import heavy_reads
from notifications.services import notify
from responsibilities.models import Unit

from .models import Export

log = logging.getLogger(__name__)


def request_export(
    *, user, kind: str, period: Period | None = None, unit: Unit | None, year: int | None = None
) -> Export:
    """Ask for an export of ``period`` (or of ``year``, for a kind registered through
    ``core.exports``) over ``unit``'s subtree (None: the whole organization), written in the
    language active now (the asker's).

    Permission is the caller's to check (``permissions.scope_for``). An export of the same
    kind, period and subtree that is still waiting or being built is returned instead of a
    second one, so a double click builds once — unless its worker died (no heartbeat for
    MINGZE_EXPORT_STALL_SECONDS): that one is marked failed and a new one built. The build
    is queued after commit.
    """
    same = Export.objects.filter(kind=kind, period=period, year=year, unit=unit)
    recover_stalled(same)
    active = same.filter(status__in=Export.ACTIVE).first()
    if active is not None:
        return active
    export = Export.objects.create(
        kind=kind, period=period, year=year, unit=unit, requested_by=user, language=translation.get_language() or ""
    )
    queue_on_commit("dashboard.tasks.build_export_task", export.pk)
    return export


def set_progress(export_id: int, percent: int) -> None:
    """Record the build's progress; the stamp is also its heartbeat."""
    Export.objects.filter(pk=export_id, status=Export.Status.RUNNING).update(
        progress=max(0, min(99, int(percent))), heartbeat_at=timezone.now()
    )


# What a rebuilt export takes from the stalled one: the same export, asked for by the same person.
REBUILT_FROM = ("kind", "period_id", "year", "unit_id", "requested_by_id", "language")


def _stalled() -> Q:
    """Running, with no heartbeat for MINGZE_EXPORT_STALL_SECONDS: its worker is gone."""
    limit = timezone.now() - datetime.timedelta(seconds=settings.MINGZE_EXPORT_STALL_SECONDS)
    return Q(status=Export.Status.RUNNING) & (
        Q(heartbeat_at__lt=limit) | Q(heartbeat_at__isnull=True, created_at__lt=limit)
    )


def recover_stalled(exports=None) -> list[Export]:
    """Mark each stalled export among ``exports`` (all by default) failed and queue a new
    build of the same kind, period, subtree, asker and language. Returns the new exports.

    The conditional update makes it safe beside a redelivered task taking the same export
    over, and beside a second sweep: whoever changes the row first wins, the other does
    nothing.
    """
    exports = Export.objects.all() if exports is None else exports
    rebuilt = []
    for old in exports.filter(_stalled()):
        failed = Export.objects.filter(Q(pk=old.pk) & _stalled()).update(
            status=Export.Status.FAILED,
            error=gettext("The worker building this export stopped; it is being built again."),
            finished_at=timezone.now(),
        )
        if not failed:
            continue
        log.warning("export %s stalled (no heartbeat); building it again", old.pk)
        new = Export.objects.create(**{name: getattr(old, name) for name in REBUILT_FROM})
        queue_on_commit("dashboard.tasks.build_export_task", new.pk)
        rebuilt.append(new)
    return rebuilt


@contextmanager
def heartbeat(export_id: int):
    """Stamp the export's heartbeat from a thread of its own every quarter of the stall
    time while the block runs, so that one long step (a big PDF's rendering) does not look
    like a dead worker. The thread dies with the process: a killed worker stops stamping."""
    stop = threading.Event()
    interval = max(0.5, settings.MINGZE_EXPORT_STALL_SECONDS / 4)

    def beat():
        try:
            while not stop.wait(interval):
                try:
                    Export.objects.filter(pk=export_id, status=Export.Status.RUNNING).update(
                        heartbeat_at=timezone.now()
                    )
                except Exception:  # a missed stamp is retried at the next beat
                    log.warning("export %s: heartbeat not recorded", export_id, exc_info=True)
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=beat, name=f"export-{export_id}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=10)


def build_export(*, export_id: int) -> Export | None:
    """Build export ``export_id`` and store its file under MEDIA_ROOT.

    Claims the export with a conditional update (pending → running, or a stalled running one
    whose worker died: a redelivered task takes it over), so a second run of the same task,
    or a second worker, does nothing while the first is alive. On failure the export is
    marked failed with the error, and the page says so; nothing half-written is offered for
    download.
    """
    claimed = Export.objects.filter(Q(pk=export_id) & (Q(status=Export.Status.PENDING) | _stalled())).update(
        status=Export.Status.RUNNING, progress=0, heartbeat_at=timezone.now()
    )
    if not claimed:
        return None
    export = Export.objects.select_related("period", "unit", "requested_by").get(pk=export_id)
    try:
        with tempfile.TemporaryDirectory(prefix="mingze-export-") as folder, heartbeat(export_id):
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
    registered = registered_kinds.kind_for(export.kind)
    if registered is not None:
        template, context, url = registered.notice(export)
    else:
        params = f"?period={export.period_id}" + (f"&unit={export.unit_id}" if export.unit_id else "")
        url = reverse("dashboard:index") + params + "#exports"
        template = "export_ready"
        context = {"kind": Export.Kind(export.kind).label, "period": export.period, "url": url}
    notify(recipients=[export.requested_by], kind="export_ready", template=template, context=context, url=url)


def _write(export: Export, path: Path) -> None:
    def progress(percent):
        set_progress(export.pk, percent)

    # Written in the language of whoever asked; the system's exports in the first language.
    # Read on the replica once it has all that was written before (core/replica.py).
    language = export.language or settings.LANGUAGE_CODE
    with translation.override(language), heavy_reads(caught_up=True):
        _write_file(export, path, progress)


def _write_file(export: Export, path: Path, progress) -> None:
    registered = registered_kinds.kind_for(export.kind)
    if registered is not None:
        registered.write(export, path, progress)
    elif export.kind == Export.Kind.EXCEL:
        from .exports.excel import write_workbook

        write_workbook(period=export.period, root=export.unit, path=path, progress=progress)
    elif export.kind == Export.Kind.DOCX:
        from .exports.word import write_hearing_pack_docx

        write_hearing_pack_docx(period=export.period, root=export.unit, path=path, progress=progress)
    elif export.kind == Export.Kind.LEDGER:
        from .exports.ledger import write_ledger

        write_ledger(period=export.period, root=export.unit, path=path, progress=progress)
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
