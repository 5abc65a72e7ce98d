from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from core.admin import ReadOnlyAdmin

from .models import Assignment, Category, Checklist, Duty, Post, Succession, Tenure, Unit
from .resources import DutyResource, PostResource, UnitResource


@admin.register(Unit)
class UnitAdmin(ImportExportModelAdmin, TreeAdmin):
    form = movenodeform_factory(Unit)
    resource_classes = [UnitResource]
    list_display = ("name", "code", "kind", "active")
    list_filter = ("kind", "active")
    search_fields = ("name", "code")


class TenureInline(admin.TabularInline):
    model = Tenure
    extra = 0


@admin.register(Post)
class PostAdmin(ImportExportModelAdmin, SimpleHistoryAdmin):
    resource_classes = [PostResource]
    list_display = ("title", "unit", "kind", "holder", "active")
    list_filter = ("kind", "active")
    list_select_related = ("unit", "holder")
    search_fields = ("title", "unit__name", "holder__full_name", "holder__username")
    inlines = [TenureInline]


@admin.register(Tenure)
class TenureAdmin(admin.ModelAdmin):
    list_display = ("post", "person", "started", "ended")
    list_select_related = ("post__unit", "person")


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "key", "order")


@admin.register(Checklist)
class ChecklistAdmin(admin.ModelAdmin):
    list_display = ("year", "title", "status")


@admin.register(Duty)
class DutyAdmin(ImportExportModelAdmin, SimpleHistoryAdmin):
    resource_classes = [DutyResource]
    list_display = (
        "code",
        "title",
        "category",
        "responsibility",
        "cadence",
        "record_type",
        "required_count",
        "frequency",
        "weight",
        "active",
        "checklist",
    )
    list_filter = ("checklist", "category", "responsibility", "cadence", "record_type", "frequency", "active")
    # The required frequency of counted records is data an admin edits here; every change
    # is kept in the duty's history (SimpleHistoryAdmin), with the rule it cites.
    fieldsets = (
        (None, {"fields": ("checklist", "code", "category", "title", "description", "subject", "responsibility")}),
        (None, {"fields": ("cadence", "evidence", "weight", "source", "active")}),
        (
            _("Counted work records (履责纪实)"),
            {"fields": ("record_type", "required_count", "each_member", "frequency", "frequency_source")},
        ),
    )
    list_select_related = ("category", "checklist")
    search_fields = ("code", "title")


@admin.register(Assignment)
class AssignmentAdmin(SimpleHistoryAdmin):
    list_display = ("duty", "unit", "post", "active")
    list_filter = ("duty__checklist", "duty__category", "active")
    list_select_related = ("duty", "unit", "post")
    search_fields = ("duty__code", "unit__name")
    autocomplete_fields = ()


@admin.register(Succession)
class SuccessionAdmin(ReadOnlyAdmin):
    """Merges and splits are made on their own page (oversight.reorganization), which moves
    the open items with an event each: here they are only read."""

    list_display = ("predecessor", "kind", "successor", "on", "reason", "by")
    list_select_related = ("predecessor", "successor", "by")
