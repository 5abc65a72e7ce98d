"""Work records (履责纪实) in the admin, read-only: they are entered, changed and recorded
on the work record pages (the services), each step an event."""

from django.contrib import admin

from core import admin as core_admin
from core.admin import ReadOnlyAdmin

from .models import RecordFile, WorkRecord, WorkRecordEvent


@admin.register(WorkRecord)
class WorkRecordAdmin(ReadOnlyAdmin):
    list_display = ("topic", "unit", "kind", "held_on", "state")
    list_filter = ("state", "kind")
    list_select_related = ("unit",)
    inlines = core_admin.timeline(events=WorkRecordEvent, files=RecordFile)
