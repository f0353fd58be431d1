"""The sign-in audit in the admin: read-only (an append-only log)."""

from django.contrib import admin


class SignInEventAdmin(admin.ModelAdmin):
    list_display = ("created_at", "kind", "channel", "username", "client_address")
    list_filter = ("kind", "channel")
    search_fields = ("username", "client_address")
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
