"""Admin of the role mappings (registered by aims.sso.wiring): officers with admin access
(administrators) add, change and deactivate mappings; each change is kept in the history.
The identity providers themselves are allauth's "Social applications" admin."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin


class RoleMappingAdmin(SimpleHistoryAdmin):
    list_display = ("provider_label", "claim", "value", "role", "active", "updated_at")
    list_filter = ("active", "role", "provider")
    search_fields = ("claim", "value", "provider")

    @admin.display(description="provider")
    def provider_label(self, obj) -> str:
        return obj.provider or "(every provider)"

    def has_delete_permission(self, request, obj=None):
        # Deactivate instead: the mapping and its history stay readable.
        return False
