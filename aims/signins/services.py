"""Writes of the sign-in audit: recording an event, and an officer unlocking an account."""

from ipaddress import ip_address

from django.contrib.auth import get_user_model
from django.db import transaction

from aims.client_ip import client_ip
from aims.errors import Code, RuleForbidden
from aims.permissions import has_global_perm
from aims.signins import lockout
from aims.signins.models import SignInEvent

UNLOCK_PERMISSION = "aims.unlock_account"


def channel_of(request) -> str:
    """How the attempt came in, from the path it was sent to."""
    path = getattr(request, "path", "") or ""
    if path.startswith("/admin/"):
        return SignInEvent.Channel.ADMIN
    if path.startswith("/api/"):
        return SignInEvent.Channel.API
    if request is None:
        return SignInEvent.Channel.OTHER
    return SignInEvent.Channel.BROWSER


def sign_in_event_record(
    *,
    request,
    kind: str,
    username: str = "",
    user=None,
    actor=None,
) -> SignInEvent:
    """Append one event. ``request`` may be None (a sign-in without HTTP)."""
    address = client_ip(request) if request is not None else ""
    try:
        ip_address(address)
    except ValueError:
        address = ""
    agent = request.META.get("HTTP_USER_AGENT", "") if request is not None else ""
    if user is not None and not username:
        username = user.get_username()
    if user is None and username:
        user_model = get_user_model()
        user = user_model._default_manager.filter(**{user_model.USERNAME_FIELD: username}).first()
    event = SignInEvent(
        kind=kind,
        channel=channel_of(request),
        username=(username or "")[:150],
        user=user,
        actor=actor,
        client_address=address or None,
        user_agent=agent[:255],
    )
    event.full_clean()
    event.save()
    return event


def unlock_refusal(actor) -> str | None:
    """Why ``actor`` may not unlock accounts (None: they may)."""
    if not has_global_perm(actor, UNLOCK_PERMISSION):
        return "Only governance officers and administrators unlock accounts."
    return None


@transaction.atomic
def account_unlock(*, actor, username: str, request=None) -> int:
    """End every lockout of ``username`` (any address); the audit records who did it.
    Returns the failures that were counted for the account."""
    reason = unlock_refusal(actor)
    if reason:
        raise RuleForbidden(reason, code=Code.PERMISSION_DENIED)
    counted = lockout.unlock(username)
    sign_in_event_record(
        request=request, kind=SignInEvent.Kind.UNLOCKED, username=username, actor=actor
    )
    return counted
