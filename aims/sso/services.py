"""Single sign-on rules: claims -> roles, the role sync of every SSO sign-in, and why a
sign-in (through SSO, or by password in SSO-only mode) is refused.

Roles managed by single sign-on are the roles that some mapping names (a
:class:`~aims.sso.models.RoleMapping` of the provider or of every provider, active or
deactivated, or an entry of ``AIMS_SSO_ROLE_MAP``). At each SSO sign-in the person holds
exactly the managed roles their claims map to: a managed role granted by hand lasts until
their next SSO sign-in. Roles that no mapping names (and staff or superuser status) are never
touched: those granted by hand are kept. The certification auditor role is never granted through
SSO.
"""

import logging
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction

from aims.roles import ROLES

from .config import NEVER_MAPPED, role_map
from .models import RoleMapping

logger = logging.getLogger(__name__)

Claims = dict[str, set[str]]


def _values(value: Any) -> set[str]:
    if value is None or isinstance(value, dict):
        return set()
    if isinstance(value, list | tuple | set):
        return {str(v) for v in value if v is not None and not isinstance(v, dict | list)}
    return {str(value)}


def claims_of(extra_data: Mapping[str, Any]) -> Claims:
    """The claims of a sign-in as sets of strings. OpenID Connect: the ID token's claims,
    overridden by the userinfo's (allauth keeps both in ``extra_data``); SAML: the assertion's
    attributes (each a list of values)."""
    merged: dict[str, Any] = {}
    if isinstance(extra_data.get("id_token"), dict) or isinstance(extra_data.get("userinfo"), dict):
        merged.update(extra_data.get("id_token") or {})
        merged.update(extra_data.get("userinfo") or {})
    else:
        merged.update(extra_data)
    return {name: _values(value) for name, value in merged.items()}


def _mappings(provider: str, *, inactive: bool = False) -> list[tuple[str, str, str]]:
    from_env = role_map(getattr(settings, "AIMS_SSO_ROLE_MAP", ""), ROLES)
    rows = RoleMapping.objects.filter(provider__in=["", provider])
    if not inactive:
        rows = rows.filter(active=True)
    from_admin = rows.values_list("claim", "value", "role")
    return [m for m in [*from_env, *from_admin] if m[2] not in NEVER_MAPPED]


def managed_roles(*, provider: str) -> set[str]:
    """The roles single sign-on grants and removes for this provider: those named by its
    mappings, deactivated ones included (deactivating the last mapping of a role takes the
    role away at each person's next SSO sign-in, rather than leaving it for good)."""
    return {role for _, _, role in _mappings(provider, inactive=True)}


def mapped_roles(*, provider: str, claims: Claims) -> set[str]:
    """The roles these claims grant."""
    return {role for claim, value, role in _mappings(provider) if value in claims.get(claim, ())}


def role_names_of(user) -> set[str]:
    return set(user.groups.filter(name__in=ROLES).values_list("name", flat=True))


@transaction.atomic
def sso_roles_sync(*, user, provider: str, claims: Claims) -> tuple[set[str], set[str]]:
    """Give ``user`` the managed roles their claims map to and take away the other managed
    roles. Returns (added, removed)."""
    managed = managed_roles(provider=provider)
    wanted = mapped_roles(provider=provider, claims=claims)
    held = role_names_of(user)
    added = wanted - held
    removed = (held & managed) - wanted
    if added:
        user.groups.add(*Group.objects.filter(name__in=added))
    if removed:
        user.groups.remove(*Group.objects.filter(name__in=removed))
    if added or removed:
        logger.info(
            "SSO roles of %s (%s): added %s, removed %s",
            user.get_username(),
            provider,
            sorted(added),
            sorted(removed),
        )
    return added, removed


NO_ROLE = (
    "Your identity provider signed you in, but none of your groups or roles gives access to "
    "AIMS. Ask your AIMS governance officer to grant you access."
)
EMAIL_TAKEN = (
    "An AIMS account already uses the email address your identity provider sent. An "
    "administrator can link that account to your single sign-on."
)


def sso_signup_refusal(*, provider: str, claims: Claims, email: str | None) -> str | None:
    """Why the first SSO sign-in of someone creates no account (None: it does).

    With ``AIMS_SSO_REQUIRE_ROLE`` (on by default) only people whose claims map to a role get
    an account. An email address that an account already uses is not taken over."""
    if settings.AIMS_SSO_REQUIRE_ROLE and not mapped_roles(provider=provider, claims=claims):
        return NO_ROLE
    if email:
        from django.contrib.auth import get_user_model

        if get_user_model().objects.filter(email__iexact=email).exists():
            return EMAIL_TAKEN
    return None


def sso_signin_refusal(*, user, provider: str) -> str | None:
    """Why an existing account is refused after its roles were synced (None: it may sign in):
    an account refused today whatever the way in (a time-boxed account outside its window,
    aims.signin); with ``AIMS_SSO_REQUIRE_ROLE``, an account left with no role at all, and no
    staff status."""
    from aims.signin import refusal

    reason = refusal(user)
    if reason:
        return reason
    if not settings.AIMS_SSO_REQUIRE_ROLE or user.is_staff or user.is_superuser:
        return None
    if role_names_of(user):
        return None
    return NO_ROLE


# --- SSO-only mode --------------------------------------------------------------------------

SSO_ONLY = (
    "Sign-in with a password is turned off: sign in through single sign-on. Only the "
    "break-glass accounts may use a password."
)
PAGES_CLOSED = (
    "Passwords are not used here: you sign in through single sign-on, where your password is "
    "changed or reset."
)


def is_break_glass(username: str | None) -> bool:
    return bool(username) and username in settings.AIMS_BREAK_GLASS_USERS


def password_signin_refusal(username: str | None) -> str | None:
    """Why a sign-in by password is refused for this username (None: it is not). In SSO-only
    mode everyone but the break-glass accounts is refused, whether or not the account exists
    (the answer says nothing about which usernames exist)."""
    if settings.AIMS_SSO_ONLY and not is_break_glass(username):
        return SSO_ONLY
    return None


def password_pages_refusal(user) -> str | None:
    """Why the password change and reset pages are refused to ``user`` (possibly anonymous):
    in SSO-only mode, to everyone but a signed-in break-glass account."""
    if not settings.AIMS_SSO_ONLY:
        return None
    if user.is_authenticated and is_break_glass(user.get_username()):
        return None
    return PAGES_CLOSED


def unique_username(base: str) -> str:
    """``base`` made a valid, unused username (``alice``, then ``alice2``, ``alice3``...)."""
    import re

    from django.contrib.auth import get_user_model

    model = get_user_model()
    base = re.sub(r"[^\w.@+-]", "", base or "")[:140] or "user"
    candidate, n = base, 1
    while model.objects.filter(username__iexact=candidate).exists():
        n += 1
        candidate = f"{base}{n}"
    return candidate


# --- The Content-Security-Policy of the pages with "Sign in with" buttons --------------------

# Pages whose forms post to a provider's sign-in (the sign-in page, allauth's connections page).
PROVIDER_BUTTON_PAGES = frozenset({"login", "socialaccount_connections"})


def _origin(url: object) -> str | None:
    parts = urlsplit(url) if isinstance(url, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def provider_origins(request) -> list[str]:
    """The origins the provider buttons' forms end up at: the button posts to AIMS, which
    redirects to the provider, and browsers check that redirect against the page's
    ``form-action`` too (so 'self' alone would stop every SSO sign-in)."""
    from allauth.socialaccount.adapter import get_adapter

    origins = set()
    for provider in get_adapter().list_providers(request):
        app_settings = getattr(getattr(provider, "app", None), "settings", None) or {}
        idp = app_settings.get("idp") or {}
        for url in (app_settings.get("server_url"), idp.get("sso_url"), idp.get("metadata_url")):
            origin = _origin(url)
            if origin:
                origins.add(origin)
    return sorted(origins)
