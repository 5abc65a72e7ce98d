from django.contrib import admin

from .models import Event, Rectification, SupervisionNotice


class EventInline(admin.TabularInline):
    model = Event
    extra = 0
    can_delete = False
    readonly_fields = ("actor", "at", "action", "from_state", "to_state", "comment")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Rectification)
class RectificationAdmin(admin.ModelAdmin):
    list_display = ("problem", "unit", "state", "deadline", "source", "raised_by")
    list_filter = ("state", "source")
    list_select_related = ("unit", "raised_by")
    readonly_fields = ("state", "raised_by", "reported_at", "closed_at")
    inlines = [EventInline]


@admin.register(SupervisionNotice)
class SupervisionNoticeAdmin(admin.ModelAdmin):
    list_display = ("year", "number", "unit", "subject", "state", "deadline", "issued_by")
    list_filter = ("state", "year", "matter")
    list_select_related = ("unit", "issued_by")
    readonly_fields = ("year", "number", "state", "issued_by", "replied_by", "replied_at", "closed_at", "pressed")
    inlines = [EventInline]
