from django.contrib import admin

from aims.admin import ReadOnlyHistoryAdmin

from .models import (
    AISystem,
    Approval,
    ApprovalCondition,
    ChangeRequest,
    Component,
    Dataset,
    GateSetting,
    IntakeDraft,
    ModelRegistryLink,
    ValidationRecord,
)


@admin.register(AISystem)
class AISystemAdmin(ReadOnlyHistoryAdmin):
    list_display = ("reference", "name", "owner", "lifecycle_stage", "risk_tier")
    list_filter = ("lifecycle_stage", "risk_tier", "business_unit")
    search_fields = ("name", "purpose")
    list_select_related = ("owner",)


@admin.register(Approval)
class ApprovalAdmin(ReadOnlyHistoryAdmin):
    list_display = ("reference", "system", "gate", "round", "approver", "decision", "created_at")
    list_select_related = ("system", "approver")

    def has_change_permission(self, request, obj=None):
        return False  # a decision is a record of what happened, not an editable setting

    def has_add_permission(self, request):
        return False  # decisions go through the gate service (segregation of duties)


for model in (
    Component,
    Dataset,
    ValidationRecord,
    ChangeRequest,
    GateSetting,
    ApprovalCondition,
    IntakeDraft,
    ModelRegistryLink,
):
    admin.site.register(model, ReadOnlyHistoryAdmin)
