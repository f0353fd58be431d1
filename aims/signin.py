"""Accounts refused outside their time box, everywhere a user comes in.

Some accounts are limited in time (a certification body's auditor, see
audits.certification.access): the app that knows the limit names, in settings, a predicate
that says whether an account is limited (``AIMS_LIMITED_ACCOUNT``) and one that says why it is
refused today (``AIMS_ACCOUNT_REFUSAL``, None when it may come in). The core applies them, so
this layer imports nothing higher:

- :class:`Backend` refuses the sign-in (``user_can_authenticate``), and :class:`SignInForm`
  shows the reason instead of "wrong password" once the password is right;
- :class:`AccountAdapter` keeps django-allauth (the sign-in flow: password, then a second
  factor for the accounts that have one) from letting a refused account through its "inactive
  account" path, closes self-signup and sends a limited account to its own home;
- :class:`RefusedAccountMiddleware` ends a running session once the account is refused;
- :class:`RefusingSessionAuthentication` / :class:`RefusingTokenAuthentication` answer the
  API with 401 and the reason.
"""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.auth_backends import AuthenticationBackend
from allauth.account.forms import LoginForm
from allauth.account.views import LoginView
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, logout, user_logged_in
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.dispatch import receiver
from django.shortcuts import redirect, resolve_url
from django.utils.module_loading import import_string
from drf_spectacular.authentication import SessionScheme
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication

from aims.accounts.authentication import ApiTokenAuthentication

SESSION_KEY = "aims_limited_account"
SILENT_MESSAGES = ("account/messages/logged_in.txt", "account/messages/logged_out.txt")


def _call(setting: str, user, default):
    path = getattr(settings, setting, None)
    return import_string(path)(user) if path else default


def is_limited(user) -> bool:
    return bool(_call("AIMS_LIMITED_ACCOUNT", user, False))


def password_refusal(username: str | None) -> str | None:
    """Why a sign-in by password is refused for this username whatever the password (None:
    it is not), e.g. single sign-on only (``AIMS_PASSWORD_REFUSAL``, aims.sso.services)."""
    return _call("AIMS_PASSWORD_REFUSAL", username, None)


def refusal(user) -> str | None:
    """Why ``user`` may not come in today (None: they may)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return _call("AIMS_ACCOUNT_REFUSAL", user, None)


class Backend(AuthenticationBackend):
    """allauth's backend (Django's model backend with allauth's username lookup), which also
    refuses a limited account outside its time box."""

    def authenticate(self, request, **credentials):
        # Every password sign-in (the sign-in page, the admin's, the API token) comes here: a
        # refused password path stays shut even where no form says why.
        if credentials.get("password") is not None and password_refusal(
            credentials.get("username") or credentials.get("email")
        ):
            return None
        return super().authenticate(request, **credentials)

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


def may_sign_in(user) -> bool:
    """An active account not refused today (what :class:`Backend` lets through)."""
    return bool(user.is_active) and refusal(user) is None


class AccountAdapter(DefaultAccountAdapter):
    """django-allauth, the AIMS way: accounts are made by officers (or provisioning), never by
    signing up; an account the backend refused stays out."""

    def is_open_for_signup(self, request) -> bool:
        return False

    def pre_authenticate(self, request, **credentials) -> None:
        """Failed passwords are counted once, by the lockout (aims.signins: django-axes, keyed
        on account and real client address, in the shared cache, cleared by a sign-in).
        allauth's own count (per account, never cleared by a sign-in) would be a second lock
        with other rules; its count of wrong second-factor codes stays."""
        self._login_failed_rl_usage = None

    def authenticate(self, request, **credentials):
        # allauth hands back an account whose password was right but which the backend refused
        # (to show an "inactive account" page); AIMS keeps it out, and the form says why.
        user = super().authenticate(request, **credentials)
        if user is not None and not may_sign_in(user):
            return None
        return user

    def get_login_redirect_url(self, request) -> str:
        home = getattr(settings, "AIMS_LIMITED_HOME", None)
        if home and is_limited(request.user):
            return resolve_url(home)
        return super().get_login_redirect_url(request)

    def add_message(self, request, level, message_template=None, *args, **kwargs) -> None:
        # "Successfully signed in/out" would greet every page after the sign-in; the other
        # messages (an authenticator added or removed) are kept.
        if message_template in SILENT_MESSAGES:
            return
        super().add_message(request, level, message_template, *args, **kwargs)


class SignInForm(LoginForm):
    """allauth's sign-in form, its login field named ``username`` as before (password
    managers, scripts and the health check post it); a refused account (right password) is told
    why, in words."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"] = self.fields.pop("login")
        self.order_fields(["username", "password"])

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip()
        self.cleaned_data["login"] = username  # where allauth reads it
        return username

    def clean(self):
        reason = password_refusal(self.cleaned_data.get("username"))
        if reason:
            raise ValidationError(reason, code="sso_only")
        try:
            cleaned = super().clean()
        except ValidationError as error:
            if error.code != "username_password_mismatch":
                raise
            reason = self._refusal_of_right_password()
            if reason:
                raise ValidationError(reason, code="access_refused") from error
            raise
        if self.user is not None:
            reason = refusal(self.user)
            if reason:
                raise ValidationError(reason, code="access_refused")
        return cleaned

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


class SignInView(LoginView):
    """The sign-in page (allauth's: a second factor follows for the accounts that have one);
    a limited account lands on its own home (``AIMS_LIMITED_HOME``, see
    :meth:`AccountAdapter.get_login_redirect_url`)."""

    form_class = SignInForm
    template_name = "account/login.html"


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
