"""Admin of daily snapshots (registered by aims.trends.wiring): read, never edited; the
figures are what the day's task counted."""

from aims.admin import ReadOnlyHistoryAdmin


class DailySnapshotAdmin(ReadOnlyHistoryAdmin):
    list_display = ("day", "origin", "taken_at")
    list_filter = ("origin",)
    readonly_fields = ("day", "figures", "origin", "taken_at")
