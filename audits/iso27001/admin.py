"""Admin of the ISO/IEC 27001 records: inspection and history only; every write goes through
audits.iso27001.services (the pages and the API)."""

from django.contrib import admin

from aims.admin import InspectOnlyAdmin

from .models import ControlMapping, SecurityControl


@admin.register(SecurityControl)
class SecurityControlAdmin(InspectOnlyAdmin):
    list_display = ("code", "title", "theme", "applicable", "implementation_status", "owner")
    list_filter = ("theme", "applicable", "implementation_status")
    list_select_related = ("owner",)
    search_fields = ("code", "title")


@admin.register(ControlMapping)
class ControlMappingAdmin(InspectOnlyAdmin):
    list_display = ("security_control", "item", "source", "status", "reviewed_by", "reviewed_at")
    list_filter = ("status", "source")
    list_select_related = ("security_control", "item", "reviewed_by")
