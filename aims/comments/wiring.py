"""Registrations of comments: corrective actions take comments, and the admin (called from
aims.apps.ready()). Higher apps register their record types from their own ready()."""


def register() -> None:
    from django.contrib import admin

    from aims.models import Comment, CorrectiveAction

    from .admin import CommentAdmin
    from .registry import register_commentable

    register_commentable("corrective-action", CorrectiveAction, "capa:capa_detail")
    if not admin.site.is_registered(Comment):
        admin.site.register(Comment, CommentAdmin)
