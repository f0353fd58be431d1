from django.contrib import admin

from aims.admin import ReadOnlyHistoryAdmin

from .models import (
    Classification,
    ImpactAssessment,
    Methodology,
    ObligationTimeline,
    Risk,
    RiskAssessment,
    TierDecision,
    TierRequirement,
    TreatmentAction,
)


@admin.register(Risk)
class RiskAdmin(ReadOnlyHistoryAdmin):
    list_display = ("reference", "title", "system", "residual_level", "acceptance", "owner")
    list_filter = ("category", "residual_level", "acceptance")
    list_select_related = ("system", "owner")


for model in (
    Methodology,
    ObligationTimeline,
    Classification,
    TierDecision,
    TierRequirement,
    RiskAssessment,
    TreatmentAction,
    ImpactAssessment,
):
    admin.site.register(model, ReadOnlyHistoryAdmin)
