from django.contrib import admin

from aims.admin import ReadOnlyHistoryAdmin

from .models import ChainLink, EvidencePack


@admin.register(EvidencePack)
class EvidencePackAdmin(ReadOnlyHistoryAdmin):
    list_display = ("reference", "scope", "status", "requested_by", "created_at", "page_count")
    list_filter = ("status", "scope")
    readonly_fields = ("pdf_sha256", "zip_sha256", "status", "error")

    def has_change_permission(self, request, obj=None):
        return False  # a pack is evidence as built; rebuild by requesting a new one


@admin.register(ChainLink)
class ChainLinkAdmin(admin.ModelAdmin):
    list_display = ("id", "table", "history_id", "chain_hash", "sealed_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
