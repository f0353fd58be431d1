"""SCIM in the admin: superusers create and revoke clients (the token is shown once);
administrators choose the role each provider group grants; identities and the event log are
read only. Each change is written to the SCIM event log by the service it calls."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied

from aims.admin import ViewOnlyAdmin

from . import services
from .models import ScimClient, ScimEvent, ScimGroup, ScimIdentity


@admin.register(ScimClient)
class ScimClientAdmin(admin.ModelAdmin):
    list_display = ("name", "token_hint", "created_at", "created_by", "last_used_at", "revoked_at")
    readonly_fields = (
        "token_hint",
        "created_by",
        "created_at",
        "last_used_at",
        "last_used_ip",
        "revoked_at",
    )
    actions = ["revoke"]

    # Only superusers hand out or revoke the credential that provisions accounts.
    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser and obj is None

    def has_delete_permission(self, request, obj=None):
        return False  # revoked, never deleted: the log names the client

    def get_fields(self, request, obj=None):
        return ("name",) if obj is None else ("name", *self.readonly_fields)

    def save_model(self, request, obj, form, change):
        if change or not request.user.is_superuser:
            raise PermissionDenied
        client, token = services.client_create(name=obj.name, created_by=request.user)
        obj.pk = client.pk
        messages.warning(
            request,
            f"The bearer token of {client.name} (shown once, copy it into the identity "
            f"provider now): {token}",
        )

    @admin.action(description="Revoke the selected clients' tokens")
    def revoke(self, request, queryset):
        if not request.user.is_superuser:
            raise PermissionDenied
        for client in queryset:
            services.client_revoke(client=client, actor=request.user)
        messages.success(request, f"{queryset.count()} client(s) revoked.")


@admin.register(ScimGroup)
class ScimGroupAdmin(admin.ModelAdmin):
    list_display = ("display_name", "role", "external_id", "removed_at")
    list_filter = ("role",)
    search_fields = ("display_name", "external_id")
    fields = ("display_name", "external_id", "role", "members", "removed_at")
    readonly_fields = ("display_name", "external_id", "members", "removed_at")

    # Only the role changes here (members follow); the provider owns the rest, and groups
    # come and go through SCIM only (a removed group is kept for the log).
    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        services.group_set_role(admin=request.user, group=obj, role=form.cleaned_data["role"])


@admin.register(ScimIdentity)
class ScimIdentityAdmin(ViewOnlyAdmin):
    list_display = ("user", "external_id", "client", "provisioned", "granted_roles")
    search_fields = ("user__username", "external_id")
    readonly_fields = ("user", "external_id", "client", "provisioned", "granted_roles")


@admin.register(ScimEvent)
class ScimEventAdmin(ViewOnlyAdmin):
    list_display = ("created_at", "operation", "client", "actor", "target_user", "summary")
    list_filter = ("operation", "client")
    search_fields = ("summary", "target_user__username")
    date_hierarchy = "created_at"
