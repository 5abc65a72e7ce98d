from django.contrib import admin

from .models import AuditLink, ChainHead


@admin.register(AuditLink)
class AuditLinkAdmin(admin.ModelAdmin):
    list_display = ("organization", "sequence", "content_type", "object_id", "at")
    list_filter = ("organization", "content_type")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ChainHead)
class ChainHeadAdmin(AuditLinkAdmin):
    list_display = ("organization", "sequence", "hash")
    list_filter = ()
