"""Signals that keep tokens and sessions in step with the account (called from
aims.apps.ready()).

A password change or a deactivation revokes all of the user's tokens and ends their sessions,
whatever the path: the password change page, the reset by email, the admin, ``set_password``
and ``save()`` in a shell, a SCIM deprovisioning that saves ``is_active=False``. The check is
on the User model's save, comparing the stored password hash and active flag. (A password
change keeps the session it was made in: Django cycles that session's key afterwards.)"""

from django.contrib.auth import get_user_model, user_logged_in, user_logged_out
from django.db.models.signals import post_save, pre_save

WATCHED = frozenset({"password", "is_active"})


def _before_user_save(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    instance._aims_account_change = None
    if raw or instance.pk is None:
        return
    if update_fields is not None and not (WATCHED & set(update_fields)):
        return  # e.g. last_login on each sign-in: no extra query
    stored = sender._default_manager.filter(pk=instance.pk).values("password", "is_active").first()
    if stored is None:
        return
    if stored["is_active"] and not instance.is_active:
        instance._aims_account_change = "The account was deactivated"
    elif stored["password"] != instance.password:
        instance._aims_account_change = "The password changed"


def _after_user_save(sender, instance, created=False, raw=False, **kwargs) -> None:
    reason = getattr(instance, "_aims_account_change", None)
    if not reason or raw:
        return
    instance._aims_account_change = None
    from .services import sessions_end, tokens_revoke_for_user

    tokens_revoke_for_user(user=instance, reason=reason)
    sessions_end(user=instance)


def _logged_in(sender, request, user, **kwargs) -> None:
    from .services import session_record

    if request is not None:
        session_record(request=request, user=user)


def _logged_out(sender, request, user, **kwargs) -> None:
    from .services import session_forget

    session = getattr(request, "session", None) if request is not None else None
    if session is not None:
        session_forget(session.session_key)


def register() -> None:
    from django.contrib import admin

    from .admin import ApiTokenAdmin, ServiceAccountAdmin, UserSessionAdmin
    from .models import ApiToken, ServiceAccount, UserSession

    admin.site.register(ServiceAccount, ServiceAccountAdmin)
    admin.site.register(ApiToken, ApiTokenAdmin)
    admin.site.register(UserSession, UserSessionAdmin)
    user_model = get_user_model()
    pre_save.connect(_before_user_save, sender=user_model, dispatch_uid="aims_accounts_pre")
    post_save.connect(_after_user_save, sender=user_model, dispatch_uid="aims_accounts_post")
    user_logged_in.connect(_logged_in, dispatch_uid="aims_accounts_logged_in")
    user_logged_out.connect(_logged_out, dispatch_uid="aims_accounts_logged_out")
