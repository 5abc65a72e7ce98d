"""Rectifications and notices in the admin, read-only: they change through the oversight
pages (the services), each step an event."""

from django.contrib import admin

from core import admin as core_admin
from core.admin import ReadOnlyAdmin

from .models import Attachment, Event, Rectification, SupervisionNotice


@admin.register(Rectification)
class RectificationAdmin(ReadOnlyAdmin):
    list_display = ("problem", "unit", "state", "deadline", "source", "raised_by")
    list_filter = ("state", "source")
    list_select_related = ("unit", "raised_by")
    inlines = core_admin.timeline(events=Event, files=Attachment)


@admin.register(SupervisionNotice)
class SupervisionNoticeAdmin(ReadOnlyAdmin):
    list_display = ("year", "number", "unit", "subject", "state", "deadline", "issued_by")
    list_filter = ("state", "year", "matter")
    list_select_related = ("unit", "issued_by")
    inlines = core_admin.timeline(events=Event, files=Attachment)
