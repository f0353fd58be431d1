"""Registrations of imports (called from aims.apps.ready()): the read-only admin."""


def register() -> None:
    from django.contrib import admin

    from .admin import ImportJobAdmin
    from .models import ImportJob

    # No menu entry of its own (the bar is full at 1280 px, and owners, who import their own
    # systems, have no Settings menu): the AI systems list links to the imports.
    if not admin.site.is_registered(ImportJob):
        admin.site.register(ImportJob, ImportJobAdmin)
