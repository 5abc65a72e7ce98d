from django.contrib import admin
from django.db import router, transaction
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from core import provinces
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

    # A move's locks (``provinces.hold_for_move``) queue two moves touching the same
    # provinces; should PostgreSQL still refuse one (a deadlock with another writer, a lock
    # not granted in time), its transaction is rolled back whole and the admin reads the
    # busy page (``core.busy``; the drag and drop's reload shows its message) — never a 500.

    def move_node(self, request):
        """Treebeard's drag and drop (``move/``): the move and the save after it in one
        transaction, nothing kept when treebeard refuses the move."""
        with transaction.atomic(using=router.db_for_write(self.model)):
            response = super().move_node(request)
            if response.status_code >= 400:  # treebeard refused the move: nothing stays
                transaction.set_rollback(True)
            return response

    def save_form(self, request, form, change):
        """Treebeard's form saves the unit, then moves it: a move takes its locks before the
        unit's own row or its parent's is written (the order every move takes them in). A
        new unit is added by ``UnitManager``, which holds its province itself."""
        moving = {"treebeard_ref_node", "treebeard_position", *Unit.node_order_by} & set(form.changed_data)
        ref = form.cleaned_data.get("treebeard_ref_node")
        if moving and change:
            target = ref or Unit.get_first_root_node()
            provinces.hold_for_move([pk for pk in (form.instance.pk, target.pk) if pk is not None])
        return super().save_form(request, form, change)


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
