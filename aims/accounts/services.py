"""Writes of tokens, service accounts and sessions; each rule is a predicate beside its
service that says why it refuses (None: allowed)."""

import secrets
from datetime import datetime, timedelta
from importlib import import_module

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from aims.errors import BusinessRuleError, Code, RuleForbidden, TransitionNotAllowed
from aims.history import save_with_history
from aims.roles import CERT_AUDITOR, OFFICER, ROLES, role_names

from . import scopes as scope_rules
from .models import (
    PREFIX_LENGTH,
    SECRET_PREFIX,
    ApiToken,
    ServiceAccount,
    TokenEvent,
    UserSession,
    hash_secret,
)

User = get_user_model()

SIGNIN_TOKEN_NAME = "Signed in through the API"  # noqa: S105 (a name)
#: Roles a service account may hold (a certification auditor is a person, time-boxed).
SERVICE_ACCOUNT_ROLES = tuple(role for role in ROLES if role != CERT_AUDITOR)
SESSION_TOUCH_SECONDS = 60


# --- Settings -------------------------------------------------------------------------------


def default_days() -> int:
    return int(getattr(settings, "AIMS_TOKEN_DEFAULT_DAYS", 90))


def max_days() -> int:
    return int(getattr(settings, "AIMS_TOKEN_MAX_DAYS", 365))


def no_expiry_allowed() -> bool:
    return bool(getattr(settings, "AIMS_TOKEN_ALLOW_NO_EXPIRY", False))


def signin_tokens_kept() -> int:
    return max(1, int(getattr(settings, "AIMS_TOKEN_SIGNIN_KEEP", 5)))


def default_expiry(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) + timedelta(days=default_days())


# --- Who may do what ------------------------------------------------------------------------


def is_account_officer(user) -> bool:
    """Officers (and superusers) manage service accounts and may revoke anyone's token."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or OFFICER in role_names(user)


def is_service_account(user) -> bool:
    return ServiceAccount.objects.filter(user_id=user.pk).exists()


def may_manage_tokens_of(actor, user) -> bool:
    """One's own tokens; an officer also those of service accounts."""
    if actor.pk == user.pk:
        return True
    return is_account_officer(actor) and is_service_account(user)


def may_revoke(actor, token: ApiToken) -> bool:
    return token.user_id == actor.pk or is_account_officer(actor)


# --- Token rules ----------------------------------------------------------------------------


def name_taken(user, name: str, now: datetime | None = None) -> str | None:
    """A name is unique per owner among tokens still in use."""
    now = now or timezone.now()
    clash = (
        ApiToken.objects.filter(user=user, name__iexact=name.strip(), revoked_at__isnull=True)
        .exclude(expires_at__lte=now)
        .filter(via_signin=False)
    )
    if clash.exists():
        return f"A token named {name!r} is already in use; choose another name or revoke it."
    return None


def expiry_missing(expires_at: datetime | None) -> str | None:
    if expires_at is None and not no_expiry_allowed():
        return "Tokens must expire: choose an expiry date."
    return None


def expiry_too_long(expires_at: datetime | None, now: datetime | None = None) -> str | None:
    now = now or timezone.now()
    if expires_at is not None and expires_at > now + timedelta(days=max_days()):
        return f"A token may last at most {max_days()} days."
    return None


def expiry_past(expires_at: datetime | None, now: datetime | None = None) -> str | None:
    if expires_at is not None and expires_at <= (now or timezone.now()):
        return "The expiry must be in the future."
    return None


def scope_wider_than_token(scopes: dict, acting_token: ApiToken | None) -> str | None:
    """A token may make tokens only within its own scopes (never widen)."""
    if acting_token is not None and not scope_rules.covers(acting_token.scopes, scopes):
        return "A token can only create tokens within its own scopes."
    return None


def account_inactive(user) -> str | None:
    if not user.is_active:
        return "This account is deactivated: it cannot have tokens."
    return None


def already_revoked(token: ApiToken) -> str | None:
    if token.revoked_at is not None:
        return "This token is already revoked."
    return None


# --- Token writes ---------------------------------------------------------------------------


def _new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def _event(token: ApiToken, kind: str, *, actor=None, ip: str = "", detail: str = "") -> None:
    TokenEvent.objects.create(token=token, kind=kind, actor=actor, ip=ip or None, detail=detail)


@transaction.atomic
def token_create(
    *,
    actor,
    user,
    name: str,
    scopes: dict,
    expires_at: datetime | None,
    ip: str = "",
    acting_token: ApiToken | None = None,
    via_signin: bool = False,
) -> tuple[ApiToken, str]:
    """A new token for ``user`` and its secret (shown once; only its hash is kept)."""
    if not may_manage_tokens_of(actor, user):
        raise RuleForbidden(
            "You may not create tokens for this account.", code=Code.PERMISSION_DENIED
        )
    scopes = scope_rules.clean_scopes(scopes)
    name = name.strip()
    if reason := account_inactive(user):
        raise BusinessRuleError(reason, code=Code.ACCOUNT_INACTIVE)
    if reason := scope_wider_than_token(scopes, acting_token):
        raise RuleForbidden(reason, code=Code.TOKEN_SCOPE)
    if not via_signin and (reason := name_taken(user, name)):
        raise BusinessRuleError(reason, code=Code.TOKEN_NAME_TAKEN)
    if reason := expiry_missing(expires_at):
        raise BusinessRuleError(reason, code=Code.TOKEN_EXPIRY_REQUIRED)
    if reason := expiry_too_long(expires_at):
        raise BusinessRuleError(reason, code=Code.TOKEN_EXPIRY_TOO_LONG)
    if reason := expiry_past(expires_at):
        raise BusinessRuleError(reason, code=Code.TOKEN_EXPIRY_PAST)
    secret = _new_secret()
    token = ApiToken(
        user=user,
        name=name,
        via_signin=via_signin,
        prefix=secret[:PREFIX_LENGTH],
        key_hash=hash_secret(secret),
        scopes=scopes,
        created_by=actor,
        expires_at=expires_at,
    )
    token.full_clean()
    token.save()
    _event(token, TokenEvent.Kind.CREATED, actor=actor, ip=ip, detail=scope_rules.describe(scopes))
    return token, secret


@transaction.atomic
def token_issue_for_signin(*, user, ip: str = "") -> tuple[ApiToken, str]:
    """The token of ``POST /api/v1/auth/token/``: full scopes, default expiry. Each exchange
    makes a new token (a hashed secret cannot be handed out twice); only the newest
    ``AIMS_TOKEN_SIGNIN_KEEP`` such tokens of a user stay active, older ones are revoked."""
    token, secret = token_create(
        actor=user,
        user=user,
        name=SIGNIN_TOKEN_NAME,
        scopes=scope_rules.full_scopes(),
        expires_at=default_expiry(),
        ip=ip,
        via_signin=True,
    )
    older = (
        ApiToken.objects.filter(user=user, via_signin=True, revoked_at__isnull=True)
        .order_by("-created_at", "-pk")
        .values_list("pk", flat=True)[signin_tokens_kept() :]
    )
    _revoke_many(
        ApiToken.objects.filter(pk__in=list(older)),
        actor=user,
        reason="Replaced by newer sign-in tokens",
        ip=ip,
    )
    return token, secret


@transaction.atomic
def token_revoke(*, actor, token: ApiToken, reason: str = "", ip: str = "") -> ApiToken:
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if not may_revoke(actor, token):
        raise RuleForbidden("You may not revoke this token.", code=Code.PERMISSION_DENIED)
    if refusal := already_revoked(token):
        raise TransitionNotAllowed(refusal, code=Code.ALREADY_REVOKED)
    token.revoked_at = timezone.now()
    token.revoked_by = actor
    default = "Revoked by its owner" if actor.pk == token.user_id else "Revoked by an officer"
    token.revoked_reason = (reason or default)[:200]
    token.save(update_fields=["revoked_at", "revoked_by", "revoked_reason"])
    _event(token, TokenEvent.Kind.REVOKED, actor=actor, ip=ip, detail=token.revoked_reason)
    return token


def _revoke_many(queryset, *, actor, reason: str, ip: str = "") -> int:
    now = timezone.now()
    pks = list(queryset.filter(revoked_at__isnull=True).values_list("pk", flat=True))
    if not pks:
        return 0
    ApiToken.objects.filter(pk__in=pks).update(
        revoked_at=now, revoked_by=actor, revoked_reason=reason[:200]
    )
    TokenEvent.objects.bulk_create(
        TokenEvent(token_id=pk, kind=TokenEvent.Kind.REVOKED, at=now, actor=actor, ip=ip or None,
                   detail=reason[:300])
        for pk in pks
    )  # fmt: skip
    return len(pks)


@transaction.atomic
def tokens_revoke_for_user(*, user, reason: str, actor=None) -> int:
    """Revoke every token of ``user`` (their password changed, or the account was
    deactivated). Returns how many were still active."""
    return _revoke_many(ApiToken.objects.filter(user=user), actor=actor, reason=reason)


def record_use(token: ApiToken, ip: str, now: datetime | None = None) -> None:
    """Last used time and address, written at most once a minute per token (and when the
    address changes), with a plain UPDATE: reads stay cheap and write no history."""
    now = now or timezone.now()
    fresh = token.last_used_at and now - token.last_used_at < timedelta(seconds=60)
    if fresh and (token.last_used_ip or "") == (ip or ""):
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now, last_used_ip=ip or None)
    token.last_used_at, token.last_used_ip = now, ip or None


# --- Service accounts -----------------------------------------------------------------------


def role_not_allowed(roles) -> str | None:
    bad = sorted(set(roles) - set(SERVICE_ACCOUNT_ROLES))
    if bad:
        return f"A service account cannot hold these roles: {', '.join(bad)}."
    return None


def _service_username(name: str) -> str:
    from django.utils.text import slugify

    base = ("svc-" + slugify(name))[:140] or "svc"
    username, n = base, 1
    while User.objects.filter(username=username).exists():
        n += 1
        username = f"{base}-{n}"
    return username


def _require_officer(actor) -> None:
    if not is_account_officer(actor):
        raise RuleForbidden(
            "Only governance officers manage service accounts.", code=Code.PERMISSION_DENIED
        )


@transaction.atomic
def service_account_create(
    *, actor, name: str, description: str, owner, roles, is_active: bool = True
) -> ServiceAccount:
    _require_officer(actor)
    if reason := role_not_allowed(roles):
        raise BusinessRuleError(reason, code=Code.ROLE_NOT_ALLOWED)
    user = User(username=_service_username(name), first_name=name[:150], is_active=is_active)
    user.set_unusable_password()
    user.save()
    user.groups.set(Group.objects.filter(name__in=list(roles)))
    account = ServiceAccount(user=user, name=name.strip(), description=description, owner=owner)
    return save_with_history(account, actor=actor, reason="Service account created")


@transaction.atomic
def service_account_update(
    *, actor, account: ServiceAccount, name: str, description: str, owner, roles, is_active: bool
) -> ServiceAccount:
    _require_officer(actor)
    if reason := role_not_allowed(roles):
        raise BusinessRuleError(reason, code=Code.ROLE_NOT_ALLOWED)
    account.name, account.description, account.owner = name.strip(), description, owner
    save_with_history(account, actor=actor, reason="Service account changed")
    user = account.user
    user.first_name = account.name[:150]
    user.is_active = is_active  # deactivation revokes its tokens (aims.accounts.wiring)
    user.save()
    user.groups.set(Group.objects.filter(name__in=list(roles)))
    return account


# --- Sessions -------------------------------------------------------------------------------


def _session_store(key: str):
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key=key)


def session_record(*, request, user) -> None:
    """Index a session that has just signed in (user_logged_in)."""
    from aims.client_ip import client_ip

    session = getattr(request, "session", None)
    key = session.session_key if session is not None else None
    if not key:
        return
    now = timezone.now()
    UserSession.objects.update_or_create(
        session_key=key,
        defaults={
            "user": user,
            "ip": client_ip(request) or None,
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
            "created_at": now,
            "last_seen": now,
        },
    )
    session[SEEN_KEY] = [key, now.timestamp()]


SEEN_KEY = "aims_session_seen"


def session_touch(request) -> None:
    """Last seen of the current session, at most once a minute (and at once after the key
    changed, e.g. when a password change cycled it)."""
    from aims.client_ip import client_ip

    session = request.session
    key = session.session_key
    if not key:
        return
    seen = session.get(SEEN_KEY)
    now = timezone.now()
    if seen and seen[0] == key and now.timestamp() - seen[1] < SESSION_TOUCH_SECONDS:
        return
    fields = {"ip": client_ip(request) or None, "last_seen": now}
    updated = UserSession.objects.filter(session_key=key, user=request.user).update(**fields)
    if not updated:
        UserSession.objects.filter(session_key=key).delete()
        UserSession.objects.create(
            session_key=key,
            user=request.user,
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
            **fields,
        )
    session[SEEN_KEY] = [key, now.timestamp()]


def session_forget(session_key: str | None) -> None:
    if session_key:
        UserSession.objects.filter(session_key=session_key).delete()


@transaction.atomic
def session_end(*, actor, session: UserSession) -> None:
    """End one of one's sessions: it leaves the session store (signed out at once)."""
    if session.user_id != actor.pk:
        raise RuleForbidden("This is not your session.", code=Code.PERMISSION_DENIED)
    _session_store(session.session_key).delete()
    session.delete()


@transaction.atomic
def sessions_end(*, user, except_key: str | None = None) -> int:
    """End the sessions of ``user`` (all, or all but ``except_key``)."""
    sessions = UserSession.objects.filter(user=user)
    if except_key:
        sessions = sessions.exclude(session_key=except_key)
    keys = list(sessions.values_list("session_key", flat=True))
    for key in keys:
        _session_store(key).delete()
    UserSession.objects.filter(session_key__in=keys).delete()
    return len(keys)
