"""Admin of comments (registered by aims.comments.wiring): inspected and their history read,
never written or reverted here — writes go through aims.comments.services, so each leaves its
history and its notifications."""

from aims.admin import ReadOnlyHistoryAdmin


class CommentAdmin(ReadOnlyHistoryAdmin):
    list_display = ("id", "author", "target_type", "target_id", "created_at", "edited_at")
    list_filter = ("target_type",)
    search_fields = ("body",)
