from django.contrib import admin

from aims.admin import ReadOnlyHistoryAdmin

from .models import Incident, Metric


@admin.register(Incident)
class IncidentAdmin(ReadOnlyHistoryAdmin):
    list_display = ("reference", "title", "severity", "status", "system", "owner", "created_at")
    list_filter = ("status", "severity", "category")
    readonly_fields = ("system", "systems", "owner")


@admin.register(Metric)
class MetricAdmin(ReadOnlyHistoryAdmin):
    list_display = ("name", "system", "direction", "breach_threshold", "last_observed_at")
    readonly_fields = ("system",)
