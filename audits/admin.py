from django.contrib import admin

from aims.admin import InspectOnlyAdmin, ReadOnlyHistoryAdmin

from .models import (
    AuditProgramme,
    CatalogueItem,
    ChainLink,
    ChecklistItem,
    ControlStatement,
    Crosswalk,
    EvidencePack,
    Finding,
    InternalAudit,
    ManagementReview,
    ReviewAction,
    SoAVersion,
)


class CatalogueReadOnly(admin.ModelAdmin):
    """Catalogue rows come from project data (``manage.py load_catalogue``)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CatalogueItem)
class CatalogueItemAdmin(CatalogueReadOnly):
    list_display = ("code", "title", "kind", "is_heading")
    list_filter = ("kind", "is_heading")
    search_fields = ("code", "title")


@admin.register(Crosswalk)
class CrosswalkAdmin(CatalogueReadOnly):
    list_display = ("item", "framework", "ref", "title")
    list_filter = ("framework",)
    list_select_related = ("item",)


@admin.register(ControlStatement)
class ControlStatementAdmin(InspectOnlyAdmin):
    list_display = ("item", "applicable", "implementation_status", "owner")
    list_filter = ("applicable", "implementation_status")
    list_select_related = ("item", "owner")


@admin.register(SoAVersion, AuditProgramme, ChecklistItem, ReviewAction)
class AssuranceAdmin(InspectOnlyAdmin):
    pass


@admin.register(InternalAudit)
class InternalAuditAdmin(InspectOnlyAdmin):
    list_display = ("reference", "title", "status", "lead_auditor", "planned_start")
    list_filter = ("status",)


@admin.register(Finding)
class FindingAdmin(InspectOnlyAdmin):
    list_display = ("reference", "title", "kind", "status", "audit")
    list_filter = ("kind", "status")


@admin.register(ManagementReview)
class ManagementReviewAdmin(InspectOnlyAdmin):
    list_display = ("reference", "title", "meeting_date", "status", "chair")
    list_filter = ("status",)


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
