"""Admin pages for rounds and who takes part. Ballots, their scores and the voting tokens
are deliberately not registered: no page, in any role, shows an individual ballot."""

from django.contrib import admin

from .models import AppraisalEvent, AppraisalRound, Appraisee, Criterion, Finding, GradeLevel, Rater


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0


class GradeLevelInline(admin.TabularInline):
    model = GradeLevel
    extra = 0


@admin.register(AppraisalRound)
class AppraisalRoundAdmin(admin.ModelAdmin):
    list_display = ("year", "title", "state", "min_valid_ballots")
    inlines = [CriterionInline, GradeLevelInline]
    readonly_fields = ("state", "opened_at", "closed_at", "published_at", "created_by")


@admin.register(Appraisee)
class AppraiseeAdmin(admin.ModelAdmin):
    list_display = ("round", "person", "unit", "submitted_at")
    list_filter = ("round",)
    list_select_related = ("round", "person", "unit")


@admin.register(Rater)
class RaterAdmin(admin.ModelAdmin):
    list_display = ("round", "person", "role")
    list_filter = ("round", "role")
    list_select_related = ("round", "person")


@admin.register(Finding)
class FindingAdmin(admin.ModelAdmin):
    list_display = ("appraisee", "text", "raised_by", "created_at")
    list_select_related = ("appraisee__round", "appraisee__person", "raised_by")


@admin.register(AppraisalEvent)
class AppraisalEventAdmin(admin.ModelAdmin):
    list_display = ("round", "action", "actor", "at")
    list_select_related = ("round", "actor")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
