"""Admin of tokens, service accounts and sessions (registered by aims.accounts.wiring): read
there, changed only through the pages and the API, which keep the token log. A password
change or deactivation made in the admin's user pages revokes tokens all the same."""

from aims.admin import ReadOnlyHistoryAdmin, ViewOnlyAdmin


class ServiceAccountAdmin(ReadOnlyHistoryAdmin):
    list_display = ("name", "user", "owner", "created_at")
    search_fields = ("name", "user__username")


class ApiTokenAdmin(ViewOnlyAdmin):
    list_display = ("name", "prefix", "user", "created_at", "expires_at", "last_used_at",
                    "revoked_at")  # fmt: skip
    list_filter = ("via_signin",)
    search_fields = ("name", "prefix", "user__username")
    exclude = ("key_hash",)


class UserSessionAdmin(ViewOnlyAdmin):
    list_display = ("user", "ip", "user_agent", "created_at", "last_seen")
    exclude = ("session_key",)
