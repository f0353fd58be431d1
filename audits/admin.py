from django.contrib import admin

from aims.admin import InspectOnlyAdmin, ReadOnlyHistoryAdmin, ViewOnlyAdmin

from .models import (
    CatalogueItem,
    ChainLink,
    ControlStatement,
    Crosswalk,
    EvidencePack,
    FirstRun,
    GapAssignment,
    Plan,
    PlanTask,
    SoAVersion,
    TrailAdoption,
    TrailCheckpoint,
)


@admin.register(CatalogueItem)
class CatalogueItemAdmin(ViewOnlyAdmin):  # rows come from `manage.py load_catalogue`
    list_display = ("code", "title", "kind", "is_heading")
    list_filter = ("kind", "is_heading")
    search_fields = ("code", "title")


@admin.register(Crosswalk)
class CrosswalkAdmin(ViewOnlyAdmin):
    list_display = ("item", "framework", "ref", "title")
    list_filter = ("framework",)
    list_select_related = ("item",)


@admin.register(ControlStatement)
class ControlStatementAdmin(InspectOnlyAdmin):
    list_display = ("item", "applicable", "implementation_status", "owner")
    list_filter = ("applicable", "implementation_status")
    list_select_related = ("item", "owner")


@admin.register(SoAVersion)
class SoAVersionAdmin(InspectOnlyAdmin):
    list_display = ("number", "approved_by", "approved_at")


@admin.register(FirstRun)
class FirstRunAdmin(InspectOnlyAdmin):
    list_display = ("__str__", "started_by", "completed_at")


@admin.register(GapAssignment)
class GapAssignmentAdmin(InspectOnlyAdmin):
    list_display = ("kind", "record", "owner", "due_date", "status")
    list_filter = ("kind", "status")
    list_select_related = ("owner",)
    search_fields = ("record",)


@admin.register(Plan)
class PlanAdmin(InspectOnlyAdmin):
    list_display = ("start_date", "generated_by", "last_generated_at")


@admin.register(PlanTask)
class PlanTaskAdmin(InspectOnlyAdmin):
    list_display = ("title", "phase", "owner", "due_date", "status")
    list_filter = ("phase", "status")
    list_select_related = ("owner",)
    search_fields = ("title",)


# Internal audits, findings and management reviews: audits/internal_audits/admin.py.


@admin.register(EvidencePack)
class EvidencePackAdmin(ReadOnlyHistoryAdmin):
    list_display = ("reference", "scope", "status", "requested_by", "created_at", "page_count")
    list_filter = ("status", "scope")
    readonly_fields = ("pdf_sha256", "zip_sha256", "status", "error")

    def has_change_permission(self, request, obj=None):
        return False  # a pack is evidence as built; rebuild by requesting a new one


@admin.register(ChainLink)
class ChainLinkAdmin(ViewOnlyAdmin):
    list_display = ("position", "table", "history_id", "chain_hash", "sealed_at", "adoption")


@admin.register(TrailCheckpoint)
class TrailCheckpointAdmin(ViewOnlyAdmin):
    list_display = ("sequence", "position", "chain_hash", "signed_at", "occasion", "key_id")


@admin.register(TrailAdoption)
class TrailAdoptionAdmin(InspectOnlyAdmin):
    """Adoptions are made with ``manage.py adopt_history`` or the API, never here."""

    list_display = ("id", "adopted_by", "rows", "created_at", "reason")


from .certification import finding_admin  # noqa: E402, F401  (findings of the body)
from .iso27001 import admin as iso27001_admin  # noqa: E402, F401  (registers its admins)
