from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import AuditLink, ChainHead


@admin.register(AuditLink)
class AuditLinkAdmin(ReadOnlyAdmin):
    list_display = ("province", "organization", "sequence", "content_type", "object_id", "at")
    list_filter = ("organization", "content_type")


@admin.register(ChainHead)
class ChainHeadAdmin(AuditLinkAdmin):
    list_display = ("province", "organization", "sequence", "hash")
    list_filter = ()
