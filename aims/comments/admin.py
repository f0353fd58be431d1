"""Admin of comments: read-only (writes go through aims.comments.services, so each leaves
its history and its notifications); the history is read there."""

from simple_history.admin import SimpleHistoryAdmin


class CommentAdmin(SimpleHistoryAdmin):
    list_display = ("id", "author", "target_type", "target_id", "created_at", "edited_at")
    list_filter = ("target_type",)
    search_fields = ("body",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
