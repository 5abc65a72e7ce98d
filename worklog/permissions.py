"""Which work record a request may open, and what it may do with it: built on the
answers of ``responsibilities.access`` (the one module that decides who sees what)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from responsibilities import access

from .models import WorkRecord


def get_record_for(user, pk, *, action: str = "read") -> WorkRecord:
    """The record ``pk`` for ``user``: 404 when they may not know of it (another unit's,
    or a draft not theirs), 403 when they may read it but not ``action`` ("edit": change a
    draft, "files": attach files).

    The URL names no province: the record is looked up within the provinces in which the
    person may read (``access.find``: on Citus those shards only), as a report is; every
    record they may see lies there (a unit they see lies in a province of their posts)."""
    record = find(user, WorkRecord.objects.select_related("unit", "recorded_by"), pk)
    if not access.may_see_work_record(user, record):
        raise Http404
    if action != "read" and not access.may_record_work(user, record.unit_id):
        raise PermissionDenied
    return record


def find(user, rows, pk):
    """The row ``pk`` of ``rows`` (a record, a record's file) within the provinces in which
    ``user`` may read, else 404."""
    return access.find_or_404(user, rows, pk)


def may_edit(user, record: WorkRecord) -> bool:
    return record.state == WorkRecord.State.DRAFT and access.may_record_work(user, record.unit_id)
