"""Admin pages for rounds and who takes part, read-only: a round changes through the
appraisal pages (the services), each step an event. Ballots, their scores and the voting
tokens are deliberately not registered: no page, in any role, shows an individual ballot."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import AppraisalEvent, AppraisalRound, Appraisee, Criterion, Finding, GradeLevel, Rater


class CriterionInline(ReadOnlyInline):
    model = Criterion


class GradeLevelInline(ReadOnlyInline):
    model = GradeLevel


@admin.register(AppraisalRound)
class AppraisalRoundAdmin(ReadOnlyAdmin):
    list_display = ("year", "title", "state", "min_valid_ballots")
    inlines = [CriterionInline, GradeLevelInline]


@admin.register(Appraisee)
class AppraiseeAdmin(ReadOnlyAdmin):
    list_display = ("round", "person", "unit", "submitted_at")
    list_filter = ("round",)
    list_select_related = ("round", "person", "unit")


@admin.register(Rater)
class RaterAdmin(ReadOnlyAdmin):
    list_display = ("round", "person", "role")
    list_filter = ("round", "role")
    list_select_related = ("round", "person")


@admin.register(Finding)
class FindingAdmin(ReadOnlyAdmin):
    list_display = ("appraisee", "text", "raised_by", "created_at")
    list_select_related = ("appraisee__round", "appraisee__person", "raised_by")


@admin.register(AppraisalEvent)
class AppraisalEventAdmin(ReadOnlyAdmin):
    list_display = ("round", "action", "actor", "at")
    list_select_related = ("round", "actor")
