"""Read-only admin pages: a round changes only through the 评先评优 pages (the services),
each step an event."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import Honour, HonourEvent, HonourRound, Nomination, Objection


@admin.register(HonourRound)
class HonourRoundAdmin(ReadOnlyAdmin):
    list_display = ("year", "title", "state", "decided_on", "document_number")


class ObjectionInline(ReadOnlyInline):
    model = Objection
    fk_name = "nomination"
    fields = ("text", "handling", "noted_by", "noted_at")


@admin.register(Nomination)
class NominationAdmin(ReadOnlyAdmin):
    list_display = ("round", "kind", "unit", "person", "source", "withdrawn")
    list_select_related = ("round", "unit", "person")
    inlines = [ObjectionInline]


@admin.register(Honour)
class HonourAdmin(ReadOnlyAdmin):
    list_display = ("year", "kind", "unit", "person", "conferred_on", "document_number")
    list_select_related = ("unit", "person")


@admin.register(HonourEvent)
class HonourEventAdmin(ReadOnlyAdmin):
    list_display = ("round", "action", "actor", "at")
    list_select_related = ("round", "actor")
