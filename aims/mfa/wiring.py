"""What aims.mfa plugs into the core at start-up: its settings check and its signal receivers."""


def register() -> None:
    from django.core import checks

    from . import middleware  # noqa: F401  (connects the signal receivers)
    from .policy import check_required_roles

    checks.register(check_required_roles)

    # Django admin's own login form would take a password alone, past the second factor: it
    # sends to the AIMS sign-in instead (allauth's documented guard), which returns to the
    # admin afterwards.
    from allauth.account.decorators import secure_admin_login
    from django.contrib import admin

    if not getattr(admin.site.login, "aims_secured", False):
        admin.site.login = secure_admin_login(admin.site.login)
        admin.site.login.aims_secured = True
