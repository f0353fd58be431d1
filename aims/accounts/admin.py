"""Admin of tokens, service accounts and sessions (registered by aims.accounts.wiring): read
there, changed only through the pages and the API, which keep the token log. A password
change or deactivation made in the admin's user pages revokes tokens all the same."""

from django.contrib import admin

from aims.admin import ReadOnlyHistoryAdmin


class ServiceAccountAdmin(ReadOnlyHistoryAdmin):
    list_display = ("name", "user", "owner", "created_at")
    search_fields = ("name", "user__username")


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ("name", "prefix", "user", "created_at", "expires_at", "last_used_at",
                    "revoked_at")  # fmt: skip
    list_filter = ("via_signin",)
    search_fields = ("name", "prefix", "user__username")
    exclude = ("key_hash",)


class UserSessionAdmin(ReadOnlyAdmin):
    list_display = ("user", "ip", "user_agent", "created_at", "last_seen")
    exclude = ("session_key",)
