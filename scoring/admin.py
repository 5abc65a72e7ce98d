from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import BonusItem, CategoryWeight, ScoreLine, ScoringRule, UnitScore


class CategoryWeightInline(admin.TabularInline):
    model = CategoryWeight
    extra = 0


@admin.register(ScoringRule)
class ScoringRuleAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "points_excellent", "points_good", "points_fair", "points_poor", "updated_at")
    inlines = [CategoryWeightInline]


@admin.register(BonusItem)
class BonusItemAdmin(SimpleHistoryAdmin):
    list_display = ("period", "unit", "points", "reason", "granted_by", "granted_at", "revoked_at")
    list_select_related = ("period", "unit", "granted_by")
    list_filter = ("period",)


class ScoreLineInline(admin.TabularInline):
    model = ScoreLine
    extra = 0
    can_delete = False
    readonly_fields = ("kind", "cause", "report", "label", "base_points", "weight", "points", "bonus")
    raw_id_fields = ("report", "bonus")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(UnitScore)
class UnitScoreAdmin(admin.ModelAdmin):
    """Stored results: computed by the schedule or a recompute, never typed in."""

    list_display = ("period", "unit", "score", "subtree_score", "reports", "on_time", "computed_at")
    list_select_related = ("period", "unit")
    list_filter = ("period",)
    inlines = [ScoreLineInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
