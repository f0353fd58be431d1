"""Registrations of single sign-on (called from aims.apps.ready()): the role mappings' admin
and the admin's sign-in form that says why a password is refused in SSO-only mode."""


def register() -> None:
    from django.contrib import admin

    from aims.models import RoleMapping

    from .admin import RoleMappingAdmin
    from .forms import AdminSignInForm

    if not admin.site.is_registered(RoleMapping):
        admin.site.register(RoleMapping, RoleMappingAdmin)
    admin.site.login_form = AdminSignInForm
