from django.contrib import admin

from aims.admin import InspectOnlyAdmin, ReadOnlyHistoryAdmin

from .models import Incident, IncidentTimeTarget, Metric


@admin.register(Incident)
class IncidentAdmin(ReadOnlyHistoryAdmin):
    list_display = ("reference", "title", "severity", "status", "system", "owner", "created_at")
    list_filter = ("status", "severity", "category")
    readonly_fields = ("system", "systems", "owner")


@admin.register(Metric)
class MetricAdmin(ReadOnlyHistoryAdmin):
    list_display = ("name", "system", "direction", "breach_threshold", "last_observed_at")
    readonly_fields = ("system",)


@admin.register(IncidentTimeTarget)
class IncidentTimeTargetAdmin(InspectOnlyAdmin):
    """Changed in the application (Settings > Incident time targets), which validates the
    hours, records why and applies them at once; here only shown with their history."""

    list_display = ("severity", "acknowledge_hours", "contain_hours", "resolve_hours", "updated_at")
