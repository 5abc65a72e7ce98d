"""Reports in the admin, read-only: a report, its events and its evidence change only
through the report pages (the services), which check who acts and record every step; so do
交办 tasks, their feedback files and events, meeting decisions and the units' plans."""

from django.contrib import admin

from core import admin as core_admin
from core.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import Decision, Evidence, Period, PeriodEvent, Report, ReportEvent, Task, TaskEvent, TaskFile, UnitPlan


class EvidenceInline(ReadOnlyInline):
    model = Evidence
    fields = ("original_name", "description", "work_date", "size", "uploaded_by", "uploaded_at", "removed_at")


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ("assignment", "unit", "period", "state", "grade", "submitted_at", "reviewed_at")
    list_filter = ("period", "state", "category")
    list_select_related = ("assignment__duty", "unit", "period")
    raw_id_fields = ("assignment",)
    inlines = [*core_admin.timeline(events=ReportEvent), EvidenceInline]


@admin.register(Period)
class PeriodAdmin(ReadOnlyAdmin):
    """Periods are opened, changed and closed on the periods page (考核周期) and by the schedules."""

    list_display = ("__str__", "state", "opens_on", "due_on", "review_due_on", "opened_at", "closed_at")
    inlines = core_admin.timeline(events=PeriodEvent)


@admin.register(Task)
class TaskAdmin(ReadOnlyAdmin):
    """交办 tasks are issued, answered, returned and closed on the task pages, each step an event."""

    list_display = ("subject", "unit", "state", "deadline", "issued_by", "replied_at", "closed_at")
    list_filter = ("state",)
    list_select_related = ("unit", "issued_by")
    inlines = core_admin.timeline(events=TaskEvent, files=TaskFile)


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    """A meeting's decisions are written with its record on the meeting page."""

    list_display = ("meeting", "order", "__str__")
    list_select_related = ("meeting",)


@admin.register(UnitPlan)
class UnitPlanAdmin(ReadOnlyAdmin):
    """A unit's plan is written when it submits its last report of the half year."""

    list_display = ("period", "unit", "written_by", "updated_at")
    list_select_related = ("period", "unit", "written_by")
