"""Admin of reminder rules (registered by aims.wiring_reminders): history is read there,
never reverted. Officers change rules in /reminders/, which records why."""

from .admin import ReadOnlyHistoryAdmin


class ReminderRuleAdmin(ReadOnlyHistoryAdmin):
    list_display = ("label", "kind", "lead_days", "enabled", "updated_at")
    list_filter = ("enabled",)
    readonly_fields = ("kind",)
