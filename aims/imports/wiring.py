"""Registrations of imports (called from aims.apps.ready()): the menu entry and the
read-only admin."""


def register() -> None:
    from django.contrib import admin

    from aims.navigation import NavItem, register_nav

    from .admin import ImportJobAdmin
    from .models import ImportJob

    register_nav(
        NavItem(95, "Imports", "imports:import_list", "aims.add_importjob", app_name="imports",
                group="Settings")
    )  # fmt: skip
    if not admin.site.is_registered(ImportJob):
        admin.site.register(ImportJob, ImportJobAdmin)
