"""Admin of auditor accesses: inspect only (grant, extend and withdraw through the pages or
the API, so the scope and the history follow)."""

from django.contrib import admin

from aims.admin import InspectOnlyAdmin

from .models import AuditorAccess


@admin.register(AuditorAccess)
class AuditorAccessAdmin(InspectOnlyAdmin):
    list_display = ("user", "audit", "valid_from", "valid_until", "revoked_at")
    list_select_related = ("user", "audit")
    search_fields = ("user__username", "audit__title")
