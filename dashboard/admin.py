from django.contrib import admin

from .models import Export


@admin.register(Export)
class ExportAdmin(admin.ModelAdmin):
    """Read-only: exports are made by the dashboard and the close of a period, not by hand."""

    list_display = ["kind", "period", "unit", "status", "progress", "requested_by", "created_at", "finished_at"]
    list_filter = ["kind", "status", "period"]
    list_select_related = ["period", "unit", "requested_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
