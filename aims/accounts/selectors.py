"""Reads of tokens, service accounts and sessions, restricted to what the user may see."""

from django.db.models import QuerySet

from .models import ApiToken, ServiceAccount, UserSession
from .services import is_account_officer


def visible_tokens(*, user) -> QuerySet[ApiToken]:
    """One's own tokens; officers see everyone's (they may revoke any)."""
    tokens = ApiToken.objects.select_related("user", "revoked_by", "created_by")
    if is_account_officer(user):
        return tokens
    return tokens.filter(user=user)


def token_list(*, user, owner_id: int | None = None, include_signin: bool = True):
    """Tokens of ``owner_id`` (officers only; others see their own whatever they ask) or, by
    default, the user's own."""
    tokens = visible_tokens(user=user)
    tokens = tokens.filter(user_id=owner_id if owner_id else user.pk)
    if not include_signin:
        tokens = tokens.filter(via_signin=False)
    return tokens.order_by("-created_at", "-pk")


def service_account_list(*, user) -> QuerySet[ServiceAccount]:
    if not is_account_officer(user):
        return ServiceAccount.objects.none()
    return ServiceAccount.objects.select_related("user", "owner").prefetch_related("user__groups")


def session_list(*, user) -> QuerySet[UserSession]:
    return UserSession.objects.filter(user=user).order_by("-last_seen", "-pk")
