"""Reports in the admin, read-only: a report, its events and its evidence change only
through the report pages (the services), which check who acts and record every step."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import Evidence, Period, PeriodEvent, Report, ReportEvent


class ReportEventInline(ReadOnlyInline):
    model = ReportEvent
    fields = ("at", "actor", "action", "from_state", "to_state", "comment")


class EvidenceInline(ReadOnlyInline):
    model = Evidence
    fields = ("original_name", "description", "work_date", "size", "uploaded_by", "uploaded_at", "removed_at")


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ("assignment", "unit", "period", "state", "grade", "submitted_at", "reviewed_at")
    list_filter = ("period", "state", "category")
    list_select_related = ("assignment__duty", "unit", "period")
    raw_id_fields = ("assignment",)
    inlines = [ReportEventInline, EvidenceInline]


class PeriodEventInline(ReadOnlyInline):
    model = PeriodEvent
    fields = ("at", "actor", "action", "from_state", "to_state", "comment")


@admin.register(Period)
class PeriodAdmin(ReadOnlyAdmin):
    """Periods are opened, changed and closed on the periods page (考核周期) and by the schedules."""

    list_display = ("__str__", "state", "opens_on", "due_on", "review_due_on", "opened_at", "closed_at")
    inlines = [PeriodEventInline]
