"""The sign-in audit in the admin: read-only (an append-only log)."""

from aims.admin import ViewOnlyAdmin


class SignInEventAdmin(ViewOnlyAdmin):
    list_display = ("created_at", "kind", "channel", "username", "client_address")
    list_filter = ("kind", "channel")
    search_fields = ("username", "client_address")
    date_hierarchy = "created_at"
