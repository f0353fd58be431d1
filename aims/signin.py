"""Accounts refused outside their time box, everywhere a user comes in.

Some accounts are limited in time (a certification body's auditor, see
audits.certification.access): the app that knows the limit names, in settings, a predicate
that says whether an account is limited (``AIMS_LIMITED_ACCOUNT``) and one that says why it is
refused today (``AIMS_ACCOUNT_REFUSAL``, None when it may come in). The core applies them, so
this layer imports nothing higher:

- :class:`Backend` refuses the sign-in (``user_can_authenticate``), and :class:`SignInForm`
  shows the reason instead of "wrong password" once the password is right;
- :class:`RefusedAccountMiddleware` ends a running session once the account is refused;
- :class:`RefusingSessionAuthentication` / :class:`RefusingTokenAuthentication` answer the
  API with 401 and the reason.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, logout, user_logged_in
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.core.exceptions import ValidationError
from django.dispatch import receiver
from django.shortcuts import redirect, resolve_url
from django.utils.module_loading import import_string
from drf_spectacular.authentication import SessionScheme
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication

from aims.accounts.authentication import ApiTokenAuthentication

SESSION_KEY = "aims_limited_account"


def _call(setting: str, user, default):
    path = getattr(settings, setting, None)
    return import_string(path)(user) if path else default


def is_limited(user) -> bool:
    return bool(_call("AIMS_LIMITED_ACCOUNT", user, False))


def refusal(user) -> str | None:
    """Why ``user`` may not come in today (None: they may)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return _call("AIMS_ACCOUNT_REFUSAL", user, None)


class Backend(ModelBackend):
    """The model backend, which also refuses a limited account outside its time box."""

    def user_can_authenticate(self, user) -> bool:
        return super().user_can_authenticate(user) and refusal(user) is None

    def get_user(self, user_id):
        """A session's user, refused or not: :class:`RefusedAccountMiddleware` ends a refused
        one with the reason (dropping it here would send them to sign in without a word)."""
        user_model = get_user_model()
        try:
            user = user_model._default_manager.get(pk=user_id)
        except user_model.DoesNotExist:
            return None
        return user if ModelBackend.user_can_authenticate(self, user) else None


class SignInForm(AuthenticationForm):
    """The sign-in form: a refused account (right password) is told why, in words."""

    def clean(self):
        try:
            return super().clean()
        except ValidationError as error:
            if error.code != "invalid_login":
                raise
            reason = self._refusal_of_right_password()
            if reason:
                raise ValidationError(reason, code="access_refused") from error
            raise

    def _refusal_of_right_password(self) -> str | None:
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if not username or not password:
            return None
        user_model = get_user_model()
        user = user_model._default_manager.filter(**{user_model.USERNAME_FIELD: username}).first()
        if user is None or not user.is_active or not user.check_password(password):
            return None
        return refusal(user)

    def confirm_login_allowed(self, user) -> None:
        super().confirm_login_allowed(user)
        reason = refusal(user)
        if reason:
            raise ValidationError(reason, code="access_refused")


class SignInView(LoginView):
    """The sign-in page; a limited account lands on its own home (``AIMS_LIMITED_HOME``)."""

    authentication_form = SignInForm

    def get_default_redirect_url(self):
        home = getattr(settings, "AIMS_LIMITED_HOME", None)
        if home and is_limited(self.request.user):
            return resolve_url(home)
        return super().get_default_redirect_url()


@receiver(user_logged_in, dispatch_uid="aims_signin_limited")
def _remember_limited(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = is_limited(user)


class RefusedAccountMiddleware:
    """Ends the session of a limited account once it is refused (its access ended or was
    withdrawn while signed in). Other sessions cost nothing: whether the account is limited is
    read once per session."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            limited = request.session.get(SESSION_KEY)
            if limited is None:
                limited = request.session[SESSION_KEY] = is_limited(user)
            reason = refusal(user) if limited else None
            if reason:
                logout(request)
                if request.path.startswith("/api/"):
                    return self.get_response(request)  # anonymous now: the API answers 401/403
                messages.error(request, reason)
                return redirect(settings.LOGIN_URL)
        return self.get_response(request)


def _check(result):
    if result is None:
        return None
    user, auth = result
    reason = refusal(user)
    if reason:
        raise exceptions.AuthenticationFailed(reason, code="access_refused")
    return result


class RefusingSessionAuthentication(SessionAuthentication):
    def authenticate(self, request):
        return _check(super().authenticate(request))


class RefusingTokenAuthentication(ApiTokenAuthentication):
    """The hashed, scoped API tokens (aims.accounts), refusing a time-boxed account too."""

    def authenticate(self, request):
        return _check(super().authenticate(request))


class RefusingSessionScheme(SessionScheme):
    """The API schema describes the refusing session authentication as the plain one (the
    token scheme already matches subclasses)."""

    target_class = "aims.signin.RefusingSessionAuthentication"
