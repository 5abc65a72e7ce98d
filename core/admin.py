"""Admin pages that show what the services keep, and change nothing.

Rows whose every change must leave an event — reports, evidence, rectifications, notices,
appraisal rounds and their people, events, audit links — change only through the
services, which check who acts and record the step. Their admin pages list and show them;
adding, changing and deleting are refused (403), and the delete action is not offered.
"""

from django.contrib import admin


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """A model's page in the admin, read-only."""


class ReadOnlyInline(ReadOnlyMixin, admin.TabularInline):
    """Rows shown inside another's page, read-only (``fields`` may name any field, editable
    or not: all are shown as text)."""

    extra = 0

    def get_readonly_fields(self, request, obj=None):
        return self.fields or super().get_readonly_fields(request, obj)


class EventInline(ReadOnlyInline):
    """The events of a row (``core.events.AbstractTransitionEvent``): name the ``model``."""

    fields = ("at", "actor", "action", "from_state", "to_state", "comment")


class AttachmentInline(ReadOnlyInline):
    """The files of a row (``core.attachments.AbstractAttachment``): name the ``model``."""

    fields = ("original_name", "content_type", "size", "uploaded_by", "uploaded_at")


def timeline(events=None, files=None) -> list[type]:
    """The read-only inlines of a row's ``events`` and ``files`` (models), for ``inlines``."""
    made = [type(f"{events.__name__}Inline", (EventInline,), {"model": events})] if events else []
    return made + ([type(f"{files.__name__}Inline", (AttachmentInline,), {"model": files})] if files else [])
