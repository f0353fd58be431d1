from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin

from aims.text_limits import TextLimitAdminMixin

from .models import (
    CorrectiveAction,
    Course,
    DigestLog,
    Evidence,
    Notification,
    Responsibility,
    ResponsibilityAssignment,
    TrainingRecord,
)


class ReadOnlyHistoryAdmin(TextLimitAdminMixin, SimpleHistoryAdmin):
    """Admin for history-tracked models. History can be read here, never reverted or edited
    (SIMPLE_HISTORY_REVERT_DISABLED), and historical models are not registered at all."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # SIMPLE_HISTORY_REVERT_DISABLED only hides the button; the form still saves a POST.
        if request.method not in ("GET", "HEAD"):
            raise PermissionDenied("History is evidence: it is read, never reverted.")
        return super().history_form_view(request, object_id, version_id, extra_context)

    def has_delete_permission(self, request, obj=None):
        # Records are retired or removed through services, which keep the audit trail
        # meaningful; the admin's bulk delete would bypass them.
        return False

    # Domain records change only through their services, which carry the rules the browser
    # and the API obey (an owner change moves object permissions, gates check segregation of
    # duties, history gets a reason). The admin inspects records and their history.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ViewOnlyAdmin(TextLimitAdminMixin, admin.ModelAdmin):
    """Rows written only by the application (digests sent, catalogue data, the audit-trail
    chain): the admin lists them and changes nothing."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class InspectOnlyAdmin(ReadOnlyHistoryAdmin):
    """Kept for the admins that name it: every ReadOnlyHistoryAdmin now only inspects."""


# Scope, context, policies and objectives: aims/ms/admin.py; reminder rules:
# aims/reminders/admin.py (registered by their wiring modules).


@admin.register(Course)
class CourseAdmin(InspectOnlyAdmin):
    list_display = ("title", "validity_months", "is_ai_literacy", "is_active")
    search_fields = ("title",)


@admin.register(TrainingRecord)
class TrainingRecordAdmin(InspectOnlyAdmin):
    list_display = ("user", "course", "completed_on", "expires_on")
    list_select_related = ("user", "course")
    search_fields = ("user__username", "course__title")


@admin.register(Responsibility)
class ResponsibilityAdmin(InspectOnlyAdmin):
    list_display = ("title", "key")


@admin.register(ResponsibilityAssignment)
class ResponsibilityAssignmentAdmin(InspectOnlyAdmin):
    list_display = ("responsibility", "user", "starts_on", "ends_on")
    list_select_related = ("responsibility", "user")


@admin.register(DigestLog)
class DigestLogAdmin(ViewOnlyAdmin):
    list_display = ("recipient", "day", "item_count", "sent_at")


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyHistoryAdmin):
    list_display = ("reference", "title", "kind", "owner", "created_at")
    search_fields = ("title", "sha256")
    readonly_fields = (
        "kind",
        "sha256",
        "size_bytes",
        "original_filename",
        "file",
        "target_type",
        "target_id",
    )


@admin.register(Notification)
class NotificationAdmin(TextLimitAdminMixin, admin.ModelAdmin):
    list_display = ("title", "recipient", "created_at", "read_at")
    list_filter = ("read_at",)


@admin.register(CorrectiveAction)
class CorrectiveActionAdmin(ReadOnlyHistoryAdmin):
    list_display = ("reference", "title", "status", "owner", "due_date")
    list_filter = ("status",)
    readonly_fields = ("owner",)


User = get_user_model()


# Users are deactivated, never deleted: history rows name them, and on PostgreSQL the
# append-only guard refuses the SET NULL a deletion would write into history.
admin.site.unregister(User)


@admin.register(User)
class AIMSUserAdmin(UserAdmin):
    def has_delete_permission(self, request, obj=None):
        return False


# SCIM provisioning (clients, groups and their roles, identities, the event log).
from .scim import admin as _scim_admin  # noqa: E402, F401
