"""Admin of audit programmes, internal audits, checklists, findings and management reviews:
history is read there, never reverted, and nothing is deleted from the admin (the services
keep the audit trail meaningful). Registered from audits.wiring_internal_audits.register()."""

from django.contrib import admin

from aims.admin import ReadOnlyHistoryAdmin

from ..models import (
    AuditProgramme,
    ChecklistItem,
    Finding,
    InternalAudit,
    ManagementReview,
    ReviewAction,
)


class AuditProgrammeAdmin(ReadOnlyHistoryAdmin):
    list_display = ("title", "period_start", "period_end", "owner")
    search_fields = ("title",)


class InternalAuditAdmin(ReadOnlyHistoryAdmin):
    list_display = ("reference", "title", "status", "lead_auditor", "planned_start")
    list_filter = ("status", "programme")
    search_fields = ("title",)
    readonly_fields = ("status", "closed_at")


class ChecklistItemAdmin(ReadOnlyHistoryAdmin):
    list_display = ("__str__", "result", "assessed_by", "assessed_at")
    list_filter = ("result",)


class FindingAdmin(ReadOnlyHistoryAdmin):
    list_display = ("reference", "title", "kind", "status", "owner", "due_date", "audit")
    list_filter = ("kind", "status")
    search_fields = ("title",)


class ManagementReviewAdmin(ReadOnlyHistoryAdmin):
    list_display = ("reference", "title", "meeting_date", "status", "chair")
    list_filter = ("status",)


class ReviewActionAdmin(ReadOnlyHistoryAdmin):
    list_display = ("__str__", "review", "owner", "due_date", "status")
    list_filter = ("status",)


ADMINS = {
    AuditProgramme: AuditProgrammeAdmin,
    InternalAudit: InternalAuditAdmin,
    ChecklistItem: ChecklistItemAdmin,
    Finding: FindingAdmin,
    ManagementReview: ManagementReviewAdmin,
    ReviewAction: ReviewActionAdmin,
}


def register() -> None:
    for model, model_admin in ADMINS.items():
        if not admin.site.is_registered(model):
            admin.site.register(model, model_admin)
