"""The pages of 履责纪实: record one piece of work in a minute on a phone (记一笔), read a
record, complete a draft, search the records, and bring last year's 台账 in from Excel."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, F, FilteredRelation, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import SecurityEvent
from accounts.security import record as log_security
from core import provinces
from core.attachments import attachment_response
from core.errors import EvidenceError
from core.forms import attempt
from core.permissions import pk_or_404
from responsibilities import access
from responsibilities.models import Post, Unit, WorkType

from . import importer, permissions, services
from .forms import FilesForm, ImportForm, RecordFilter, RecordForm
from .models import RecordFile, WorkRecord

PAGE_SIZE = 25
IMPORT_KEY = "worklog_import"  # the session key of the pending import preview


def _input(data: dict) -> services.RecordInput:
    return services.RecordInput(
        kind=data["kind"],
        held_on=data["held_on"],
        topic=data["topic"],
        place=data.get("place", ""),
        present=data.get("present"),
        expected=data.get("expected"),
        participant_names=data.get("participant_names", ""),
        minutes=data.get("minutes", ""),
        notes=data.get("notes", ""),
        participants=list(data.get("participants") or []),
        extra_duties=[int(pk) for pk in data.get("extra_duties") or []],
        uploads=data.get("files") or [],
    )


def _extra_duties(unit: Unit) -> list:
    """The unit's counted duties offered as "also counts for"."""
    return list(services.counted_duties(unit.pk).only("pk", "code", "title"))


def _recorded_notice(record: WorkRecord, files: int) -> str:
    if record.state == WorkRecord.State.DRAFT:
        return _("Saved as a draft: “%(topic)s”. Complete it and record it when you can.") % {"topic": record.topic}
    return _("Recorded: %(kind)s “%(topic)s”, with %(n)d file(s).") % {
        "kind": record.get_kind_display(),
        "topic": record.topic,
        "n": files,
    }


@login_required
@require_http_methods(["GET", "POST"])
def record_new(request):
    """记一笔: type, date (today), topic, attendance, photos; record or keep as a draft.
    The unit is the person's own (``?unit=`` when they record for several); another unit's
    id is a page that does not exist for them (404)."""
    units = list(access.recording_units(request.user))
    if not units:
        raise PermissionDenied
    unit = units[0]
    wanted = request.POST.get("unit") or request.GET.get("unit")
    if wanted:
        unit = next((u for u in units if u.pk == pk_or_404(wanted)), None)
        if unit is None:
            raise Http404
    duties = _extra_duties(unit)
    form = RecordForm(request.POST or None, request.FILES or None, unit=unit, duties=duties)
    if request.method == "POST":
        record_now = "draft" not in request.POST
        record = attempt(
            form,
            lambda data: services.create_record(
                unit=unit, actor=request.user, data=_input(data), record_now=record_now
            ),
            upload_field="files",
        )
        if record is not None:
            messages.success(request, _recorded_notice(record, len(form.cleaned_data["files"])))
            return redirect("worklog:record", pk=record.pk)
    status = 400 if form.is_bound else 200
    context = {"form": form, "unit": unit, "units": units, "record": None}
    return render(request, "worklog/record_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def record_edit(request, pk):
    """Complete a draft and record it (or keep it a draft). A recorded record is not
    changed: it counts already."""
    record = permissions.get_record_for(request.user, pk, action="edit")
    if record.state != WorkRecord.State.DRAFT:
        messages.info(request, _("This record is recorded already and counts; it is kept as it was."))
        return redirect("worklog:record", pk=record.pk)
    show_notes = access.may_read_talk_notes(request.user, record)
    initial = {
        **{name: getattr(record, name) for name in services.FIELDS},
        "participants": list(record.participants.all()),
        "extra_duties": [str(pk) for pk in record.duties.values_list("pk", flat=True)],
    }
    form = RecordForm(
        request.POST or None,
        request.FILES or None,
        unit=record.unit,
        duties=_extra_duties(record.unit),
        show_notes=show_notes,
        initial=initial,
    )
    if request.method == "POST":
        record_now = "draft" not in request.POST
        saved = attempt(
            form,
            lambda data: services.update_record(
                record_id=record.pk,
                actor=request.user,
                data=_input(data),
                record_now=record_now,
                province_id=record.province_id,  # locked on its shard (docs/scale.md 5)
            ),
            upload_field="files",
        )
        if saved is not None:
            messages.success(request, _recorded_notice(saved, len(form.cleaned_data["files"])))
            return redirect("worklog:record", pk=saved.pk)
    status = 400 if form.is_bound else 200
    context = {"form": form, "unit": record.unit, "units": [record.unit], "record": record}
    return render(request, "worklog/record_form.html", context, status=status)


@login_required
@require_GET
def record_detail(request, pk):
    """A record as its unit's readers see it: who, when, topic, attendance, minutes,
    photos, the duties it counts for; a talk's notes only to the people in it and the
    unit's secretary."""
    record = permissions.get_record_for(request.user, pk)
    province = record.province_id  # its files and events are read within it (docs/scale.md 5)
    participants = list(record.participants.all())
    notes_open = access.may_read_talk_notes(request.user, record, {p.pk for p in participants})
    may_record = access.may_record_work(request.user, record.unit_id)
    context = {
        "record": record,
        "participants": participants,
        "files": list(record.files.filter(province=province)),
        "duties": list(record.duties.order_by("code")),
        "events": list(record.events.filter(province=province).select_related("actor")),
        "notes_open": notes_open,
        "is_talk": record.kind == WorkType.TALK,
        "may_edit": permissions.may_edit(request.user, record),
        "may_add_files": may_record,
        "files_form": FilesForm() if may_record else None,
    }
    return render(request, "worklog/record.html", context)


@login_required
@require_POST
def record_files(request, pk):
    """Attach photos or scans to a record; a refused file says why and nothing is kept."""
    record = permissions.get_record_for(request.user, pk, action="files")
    form = FilesForm(request.POST, request.FILES)
    files = attempt(
        form,
        lambda data: services.add_files(
            record_id=record.pk, actor=request.user, uploads=data["files"], province_id=record.province_id
        ),
        upload_field="files",
    )
    if files is None:
        for error in form.errors.get("files", [_("Choose at least one file.")]):
            messages.error(request, error)
        return redirect("worklog:record", pk=record.pk)
    messages.success(request, _("Attached %(n)d file(s).") % {"n": len(files)})
    return redirect("worklog:record", pk=record.pk)


@login_required
@require_GET
def record_file(request, pk):
    """A record's photo or scan, to those who may read the record, as a download: looked up
    within the provinces in which they may read (``access.find``), its record joined within
    the file's province (docs/scale.md 5)."""
    rows = RecordFile.objects.filter(provinces.joined("record")).select_related("record__unit")
    stored = permissions.find(request.user, rows, pk)
    if not access.may_see_work_record(request.user, stored.record):
        raise Http404
    response = attachment_response(stored)
    response["Cache-Control"] = "private, no-store"
    log_security(SecurityEvent.Kind.FILE_OPENED, user=request.user, request=request, detail=f"record file {stored.pk}")
    return response


@login_required
@require_GET
def record_list(request):
    """The records one may read, newest first, searchable by type, date range and text;
    filters live in the URL. A fixed number of queries per page."""
    if not access.may_see_anything(request.user):
        raise PermissionDenied
    filters = RecordFilter(request.GET or None)
    qs = access.work_records_visible(request.user, WorkRecord.objects.all())
    active = {}
    if filters.is_bound and filters.is_valid():
        data = filters.cleaned_data
        if data["kind"]:
            qs = qs.filter(kind=data["kind"])
        if data["since"]:
            qs = qs.filter(held_on__gte=data["since"])
        if data["until"]:
            qs = qs.filter(held_on__lte=data["until"])
        if data["q"]:
            text = data["q"]
            qs = qs.filter(Q(topic__icontains=text) | Q(place__icontains=text) | Q(minutes__icontains=text))
        if data["unit"]:
            qs = qs.filter(unit_id=data["unit"])
        if data["post"]:
            # a post's records: its own (wherever held) and its unit's as a body
            unit_id = Post.objects.filter(pk=data["post"]).values_list("unit_id", flat=True).first()
            qs = qs.filter(Q(post_id=data["post"]) | Q(post__isnull=True, unit_id=unit_id))
        if data["duty"]:
            qs = qs.filter(duties=data["duty"])
        active = {key: value for key, value in request.GET.items() if key in filters.fields and value}
    # Its files counted within its province: co-located on Citus (docs/scale.md 5).
    own_files = FilteredRelation("files", condition=Q(files__province=F("province")))
    qs = (
        qs.select_related("unit")
        .annotate(own_files=own_files, file_count=Count("own_files"))
        .order_by("-held_on", "-pk")
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filters": filters if filters.is_bound else RecordFilter(),
        "page": page,
        "records": page.object_list,
        "query": urlencode(active),
        "filtered": bool(active),
        "may_record": bool(access.held_unit_ids(request.user)),
    }
    return render(request, "worklog/records.html", context)


# ---------------------------------------------------------------------------------------
# 台账 import: upload → preview (nothing saved) → confirm


def _import_units(user):
    units = access.recording_units(user)
    if not units.exists():
        raise PermissionDenied
    return units


@login_required
@require_http_methods(["GET", "POST"])
def import_ledger(request):
    """Upload a 台账 workbook: the page shows what would be saved and each bad row by sheet
    and row; nothing is saved until the person confirms. The preview waits in the session
    under a fresh token, so the confirmation saves what was checked here."""
    units = _import_units(request.user)
    form = ImportForm(request.POST or None, request.FILES or None, units=units)
    preview = None
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            unit = form.cleaned_data["unit"]
            try:
                result = importer.parse(form.cleaned_data["file"], unit=unit)
            except EvidenceError as error:
                form.add_error("file", str(error))
            else:
                token = secrets.token_urlsafe(16)
                request.session[IMPORT_KEY] = {"token": token, "unit": unit.pk, **result.as_session()}
                preview = {**result.as_session(), "token": token, "unit": unit}
                status = 200
    return render(
        request,
        "worklog/import.html",
        {"form": form, "preview": preview, "columns": importer.COLUMNS},
        status=status,
    )


@login_required
@require_POST
def import_confirm(request):
    """Save the good rows of the preview kept in the session (the bad ones, named on the
    preview, are left out) — if its token is the one the page showed; the browser sends
    back nothing but the token."""
    units = _import_units(request.user)
    pending = request.session.get(IMPORT_KEY)
    if not pending or not secrets.compare_digest(str(pending.get("token")), request.POST.get("token", "")):
        messages.error(request, _("This preview is no longer waiting; upload the workbook again."))
        return redirect("worklog:import")
    unit = units.filter(pk=pending["unit"]).first()
    if unit is None:
        raise Http404
    if not pending["rows"]:
        messages.error(request, _("The preview holds no record to save; correct the workbook and upload it again."))
        return redirect("worklog:import")
    saved = importer.save_preview(pending["rows"], unit=unit, actor=request.user)
    del request.session[IMPORT_KEY]
    messages.success(request, _("Imported %(n)d record(s) into %(unit)s.") % {"n": saved, "unit": unit.label})
    return redirect("worklog:records")


@login_required
@require_GET
def import_template(request):
    """The empty 台账 workbook: a sheet per record type with its headings."""
    _import_units(request.user)
    response = HttpResponse(
        importer.template_workbook(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="worklog-template.xlsx"'
    return response
