"""Work records (履责纪实) in the admin, read-only: they are entered, changed and recorded
on the work record pages (the services), each step an event."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import RecordFile, WorkRecord, WorkRecordEvent


class WorkRecordEventInline(ReadOnlyInline):
    model = WorkRecordEvent
    fields = ("at", "actor", "action", "from_state", "to_state", "comment")


class RecordFileInline(ReadOnlyInline):
    model = RecordFile
    fields = ("original_name", "content_type", "size", "uploaded_by", "uploaded_at")


@admin.register(WorkRecord)
class WorkRecordAdmin(ReadOnlyAdmin):
    list_display = ("topic", "unit", "kind", "held_on", "state")
    list_filter = ("state", "kind")
    list_select_related = ("unit",)
    inlines = [WorkRecordEventInline, RecordFileInline]
