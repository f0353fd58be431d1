"""Registrations of imports (called from aims.apps.ready()): the menu entry and the
read-only admin."""


def register() -> None:
    from django.contrib import admin

    from aims.navigation import NavItem, register_nav

    from .admin import ImportJobAdmin
    from .models import ImportJob

    # Beside "New intake" on the bar, not under Settings: owners import their own systems,
    # and they have no Settings menu.
    register_nav(
        NavItem(12, "Import", "imports:import_list", "aims.add_importjob", app_name="imports")
    )
    if not admin.site.is_registered(ImportJob):
        admin.site.register(ImportJob, ImportJobAdmin)
