"""Admin of the certification body's findings and our responses: history is read there,
never reverted, and nothing is written or deleted (the services carry the rules). Imported
by audits.admin."""

from django.contrib import admin

from aims.admin import ReadOnlyHistoryAdmin

from ..models import ExternalFinding, FindingResponse


@admin.register(ExternalFinding)
class ExternalFindingAdmin(ReadOnlyHistoryAdmin):
    list_display = ("reference", "title", "kind", "status", "owner", "response_due", "audit")
    list_filter = ("kind", "status")
    list_select_related = ("owner", "audit")
    search_fields = ("title",)


@admin.register(FindingResponse)
class FindingResponseAdmin(ReadOnlyHistoryAdmin):
    list_display = ("__str__", "sent_on", "sent_by")
    list_select_related = ("finding", "sent_by")
