"""Admin of reminder rules (registered by aims.reminders.wiring): history is read there,
never reverted. Officers change rules in /reminders/, which records why."""

from aims.admin import ReadOnlyHistoryAdmin


class ReminderRuleAdmin(ReadOnlyHistoryAdmin):
    list_display = ("label", "kind", "lead_days", "enabled", "updated_at")
    list_filter = ("enabled",)
    readonly_fields = ("kind",)
