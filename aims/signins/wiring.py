"""Registrations of the sign-in audit (called from aims.apps.ready()): the receivers, the
deployment check, the menu entry and the read-only admin."""


def register() -> None:
    from django.contrib import admin

    from aims.navigation import NavItem, register_nav
    from aims.signins import checks  # noqa: F401  (registers the shared-cache check)
    from aims.signins.admin import SignInEventAdmin
    from aims.signins.models import SignInEvent
    from aims.signins.receivers import connect

    connect()
    register_nav(
        NavItem(95, "Sign-ins", "signins:event_list", "aims.view_signinevent",
                app_name="signins", group="Settings")
    )  # fmt: skip
    if not admin.site.is_registered(SignInEvent):
        admin.site.register(SignInEvent, SignInEventAdmin)
