"""The delivery log in the admin: read-only. Subscriptions are managed on their pages (the
secret is shown once there), not in the admin."""

from aims.admin import ReadOnlyHistoryAdmin, ViewOnlyAdmin


class WebhookSubscriptionAdmin(ReadOnlyHistoryAdmin):
    list_display = ("name", "url", "preset", "owner", "is_active", "created_at")
    exclude = ("secret",)


class WebhookDeliveryAdmin(ViewOnlyAdmin):
    list_display = ("created_at", "event_type", "subscription", "status", "attempts",
                    "last_status_code")  # fmt: skip
    list_filter = ("status", "event_type")
    date_hierarchy = "created_at"
