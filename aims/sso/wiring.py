"""Registrations of single sign-on (called from aims.apps.ready()): the role mappings' admin.
(The admin's own login form takes no password: it sends to the sign-in page, aims.mfa.wiring,
where SSO-only mode refuses passwords.)"""


def register() -> None:
    from django.contrib import admin

    from aims.models import RoleMapping

    from .admin import RoleMappingAdmin

    if not admin.site.is_registered(RoleMapping):
        admin.site.register(RoleMapping, RoleMappingAdmin)
