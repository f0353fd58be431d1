"""Imports in the admin: read-only (they are made on their pages and through the API)."""

from aims.admin import ReadOnlyHistoryAdmin


class ImportJobAdmin(ReadOnlyHistoryAdmin):
    list_display = ("__str__", "kind", "status", "created_by", "created_at", "error_count")
    list_filter = ("status", "kind")
