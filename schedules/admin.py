from django.contrib import admin

from .models import DigestSent, JobRun, ReminderStage, SentReminder


class ReadOnly(admin.ModelAdmin):
    """Records of what the schedules did: kept as they were written."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SentReminder)
class SentReminderAdmin(ReadOnly):
    list_display = ("day", "kind", "person", "item_type", "item_id", "days_before")
    list_filter = ("kind", "day")
    list_select_related = ("person",)


@admin.register(ReminderStage)
class ReminderStageAdmin(ReadOnly):
    list_display = ("day", "stage", "stage_day", "item_type", "item_id")
    list_filter = ("stage", "item_type", "day")


@admin.register(DigestSent)
class DigestSentAdmin(ReadOnly):
    list_display = ("day", "person", "items")
    list_select_related = ("person",)


@admin.register(JobRun)
class JobRunAdmin(ReadOnly):
    list_display = ("created_at", "job", "period", "state", "done", "total", "requested_by")
    list_filter = ("job", "state")
    list_select_related = ("period", "requested_by")
