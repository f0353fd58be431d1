"""Admin of the management-system records: history is read there, never reverted, and
nothing is deleted from the admin (the services keep the audit trail meaningful).
Registered from aims.ms.wiring.register()."""

from django.contrib import admin

from aims.admin import ReadOnlyHistoryAdmin
from aims.models import (
    AIMSScope,
    ContextIssue,
    InterestedParty,
    Objective,
    ObjectiveUpdate,
    OrganisationProfile,
    PartyFeedback,
    Policy,
    PolicyAcknowledgement,
    PolicyVersion,
)


class OrganisationProfileAdmin(ReadOnlyHistoryAdmin):
    list_display = ("legal_name", "sector", "size_band", "contact_email")


class ScopeAdmin(ReadOnlyHistoryAdmin):
    list_display = ("__str__", "owner", "approved_by", "approved_at", "next_review_date")


class InterestedPartyAdmin(ReadOnlyHistoryAdmin):
    list_display = ("name", "category", "is_internal", "owner")
    list_filter = ("category", "is_internal")
    search_fields = ("name", "requirements")


class PartyFeedbackAdmin(ReadOnlyHistoryAdmin):
    list_display = ("party", "received_on", "owner")
    search_fields = ("summary", "party__name")


class ContextIssueAdmin(ReadOnlyHistoryAdmin):
    list_display = ("title", "kind", "category", "is_active", "owner")
    list_filter = ("kind", "category", "is_active")
    search_fields = ("title", "description")


class PolicyAdmin(ReadOnlyHistoryAdmin):
    list_display = ("reference", "title", "owner", "next_review_date")
    search_fields = ("title",)


class PolicyVersionAdmin(ReadOnlyHistoryAdmin):
    list_display = ("__str__", "status", "drafted_by", "approved_by", "published_at")
    list_filter = ("status",)

    def has_change_permission(self, request, obj=None):
        # Versions move through the services (segregation of duties, immutability).
        return (
            False
            if obj is not None and obj.status != "draft"
            else super().has_change_permission(request, obj)
        )


class PolicyAcknowledgementAdmin(ReadOnlyHistoryAdmin):
    list_display = ("user", "version", "acknowledged_at")

    def has_change_permission(self, request, obj=None):
        return False


class ObjectiveAdmin(ReadOnlyHistoryAdmin):
    list_display = ("reference", "title", "owner", "due_date", "status", "current_value")
    list_filter = ("status",)


class ObjectiveUpdateAdmin(ReadOnlyHistoryAdmin):
    list_display = ("objective", "value", "recorded_on", "recorded_by")


REGISTRY = {
    OrganisationProfile: OrganisationProfileAdmin,
    AIMSScope: ScopeAdmin,
    InterestedParty: InterestedPartyAdmin,
    PartyFeedback: PartyFeedbackAdmin,
    ContextIssue: ContextIssueAdmin,
    Policy: PolicyAdmin,
    PolicyVersion: PolicyVersionAdmin,
    PolicyAcknowledgement: PolicyAcknowledgementAdmin,
    Objective: ObjectiveAdmin,
    ObjectiveUpdate: ObjectiveUpdateAdmin,
}


def register() -> None:
    for model, model_admin in REGISTRY.items():
        if not admin.site.is_registered(model):
            admin.site.register(model, model_admin)
