"""Every write SCIM makes, and the rules it obeys. The adapters (aims.scim.adapters) turn SCIM
JSON into calls of these functions; nothing else writes accounts, groups or roles for SCIM.

Rules (each a predicate that says why it refuses, or None):

- :func:`account_refusal`: SCIM never changes an administrator's account (``is_staff`` or
  ``is_superuser``) nor a certification auditor's (time-boxed, owned by the certification
  workflow), and never sets the administrator flags of anyone.
- :func:`role_refusal`: SCIM grants only the roles of ``GRANTABLE_ROLES``; the certification
  auditor's role never.

Accounts are never deleted (history names them): a deletion through SCIM deactivates.
"""

import json
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import EmailValidator
from django.db import transaction
from django.utils import timezone

from aims.errors import BusinessRuleError, Code, RuleForbidden
from aims.roles import CERT_AUDITOR, ROLES

from .models import (
    GRANTABLE_ROLES,
    ScimClient,
    ScimEvent,
    ScimGroup,
    ScimIdentity,
    hash_token,
    new_token,
)

User = get_user_model()
Op = ScimEvent.Operation


@dataclass(frozen=True)
class Actor:
    """Who acts through SCIM: the authenticated client and the address it called from."""

    client: ScimClient
    ip: str | None = None


@dataclass
class UserData:
    """The attributes of a SCIM User that AIMS keeps."""

    username: str
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    active: bool = True
    external_id: str = ""
    ignored: list[str] = field(default_factory=list)


# --- rules ------------------------------------------------------------------------------------


def account_refusal(user) -> str | None:
    """Why SCIM may not change ``user`` (None: it may)."""
    if user.is_superuser or user.is_staff:
        return (
            f"{user.username} is an administrator's account: SCIM does not change "
            "administrators; manage them in AIMS."
        )
    if user.pk and user.groups.filter(name=CERT_AUDITOR).exists():
        return (
            f"{user.username} is a certification auditor's account: it is time-boxed and "
            "managed only by the certification workflow."
        )
    return None


def role_refusal(role: str) -> str | None:
    """Why SCIM may not grant ``role`` (None: it may)."""
    if role == CERT_AUDITOR:
        return (
            "The Certification auditor role is never granted through SCIM: its time-boxed "
            "accounts come only from the certification workflow."
        )
    if role not in GRANTABLE_ROLES:
        return f"{role!r} is not a role of AIMS ({', '.join(GRANTABLE_ROLES)})."
    return None


def parse_group_roles(raw: str | dict | None) -> dict[str, str]:
    """``AIMS_SCIM_GROUP_ROLES`` as {casefolded group name: role}.

    Accepted forms: a JSON object ``{"AIMS Officers": "Governance officer"}``, or
    ``AIMS Officers=Governance officer;AIMS Owners=System owner``. Empty: each grantable role's
    own name maps to that role (the provider's groups are the roles themselves). A mapping to
    an unknown role or to the certification auditor's role is a configuration error.
    """
    if not raw:
        pairs = {role: role for role in GRANTABLE_ROLES}
    elif isinstance(raw, dict):
        pairs = raw
    elif raw.strip().startswith("{"):
        try:
            pairs = json.loads(raw)
        except ValueError as error:
            raise ImproperlyConfigured(
                f"AIMS_SCIM_GROUP_ROLES is not valid JSON: {error}"
            ) from error
        if not isinstance(pairs, dict):
            raise ImproperlyConfigured("AIMS_SCIM_GROUP_ROLES must be a JSON object.")
    else:
        pairs = {}
        for item in raw.split(";"):
            if not item.strip():
                continue
            name, sep, role = item.partition("=")
            if not sep or not name.strip():
                raise ImproperlyConfigured(
                    f"AIMS_SCIM_GROUP_ROLES: {item.strip()!r} is not 'group name=Role'."
                )
            pairs[name.strip()] = role.strip()
    mapping = {}
    for name, role in pairs.items():
        refusal = role_refusal(str(role))
        if refusal:
            raise ImproperlyConfigured(f"AIMS_SCIM_GROUP_ROLES maps {name!r}: {refusal}")
        mapping[str(name).strip().casefold()] = role
    return mapping


def role_for_group_name(name: str) -> str:
    """The role a provider's group of this name grants (empty: none).

    A group named like the certification auditor's role is refused outright: the provider
    would expect it to grant that role."""
    if name.strip().casefold() == CERT_AUDITOR.casefold():
        raise RuleForbidden(role_refusal(CERT_AUDITOR), code=Code.ROLE_NOT_GRANTABLE)
    mapping = parse_group_roles(getattr(settings, "AIMS_SCIM_GROUP_ROLES", ""))
    return mapping.get(name.strip().casefold(), "")


def _require_changeable(user) -> None:
    refusal = account_refusal(user)
    if refusal:
        raise RuleForbidden(refusal, code=Code.ACCOUNT_PROTECTED)


# --- validation -------------------------------------------------------------------------------


def _clean_user_data(data: UserData, *, instance=None) -> UserData:
    """Validate against the User model's own fields; a ValidationError names each field."""
    errors: dict[str, list[str]] = {}
    data.username = (data.username or "").strip()
    fields = {
        "userName": ("username", data.username),
        "name.givenName": ("first_name", data.first_name),
        "name.familyName": ("last_name", data.last_name),
        "emails": ("email", data.email),
    }
    for scim_name, (model_field, value) in fields.items():
        if not isinstance(value, str):
            errors[scim_name] = ["must be a string."]
            continue
        if model_field == "username" and not value:
            errors[scim_name] = ["is required."]
            continue
        try:
            User._meta.get_field(model_field).clean(value, instance)
        except ValidationError as error:
            errors[scim_name] = error.messages
    if data.email and "emails" not in errors:
        try:
            EmailValidator()(data.email)
        except ValidationError as error:
            errors["emails"] = error.messages
    if not isinstance(data.external_id, str) or len(data.external_id) > 255:
        errors["externalId"] = ["must be a string of at most 255 characters."]
    if not isinstance(data.active, bool):
        errors["active"] = ["must be true or false."]
    if errors:
        raise ValidationError(errors)
    taken = User.objects.filter(username__iexact=data.username)
    if instance is not None:
        taken = taken.exclude(pk=instance.pk)
    if taken.exists():
        raise BusinessRuleError(
            f"The user name {data.username} is already taken.", code=Code.USERNAME_TAKEN
        )
    return data


# --- log --------------------------------------------------------------------------------------


def _log(actor: Actor, operation: str, summary: str, *, user=None, group=None) -> ScimEvent:
    return ScimEvent.objects.create(
        client=actor.client,
        operation=operation,
        target_user=user,
        target_group=group,
        summary=summary[:2000],
        ip=actor.ip or None,
    )


def _identity(user, actor: Actor, *, provisioned: bool = False) -> ScimIdentity:
    identity = getattr(user, "_scim_identity_cache", None)
    if identity is None:
        identity, _ = ScimIdentity.objects.get_or_create(
            user=user, defaults={"client": actor.client, "provisioned": provisioned}
        )
        user._scim_identity_cache = identity
    return identity


# --- users ------------------------------------------------------------------------------------


@transaction.atomic
def user_provision(*, actor: Actor, data: UserData):
    """Create an account for the provider. It has no usable password (sign-in is by SSO) and
    no role until a group grants one."""
    data = _clean_user_data(data)
    user = User(
        username=data.username,
        first_name=data.first_name,
        last_name=data.last_name,
        email=data.email,
        is_active=data.active,
    )
    user.set_unusable_password()
    user.save()
    identity = _identity(user, actor, provisioned=True)
    identity.external_id = data.external_id
    identity.save()
    note = f" (ignored: {', '.join(sorted(data.ignored))})" if data.ignored else ""
    _log(
        actor,
        Op.USER_CREATE,
        f"{user.username} created by {actor.client}, "
        f"{'active' if user.is_active else 'inactive'}{note}",
        user=user,
    )
    return user


@transaction.atomic
def user_update(*, actor: Actor, user, data: UserData):
    """Apply the provider's view of the account (a PUT, or a PATCH once merged). A change of
    ``active`` deprovisions or reactivates."""
    _require_changeable(user)
    data = _clean_user_data(data, instance=user)
    changes = []
    for attr, value in (
        ("username", data.username),
        ("first_name", data.first_name),
        ("last_name", data.last_name),
        ("email", data.email),
    ):
        if getattr(user, attr) != value:
            changes.append(f"{attr} {getattr(user, attr)!r} -> {value!r}")
            setattr(user, attr, value)
    if changes:
        user.save(update_fields=["username", "first_name", "last_name", "email"])
    identity = _identity(user, actor)
    if identity.external_id != data.external_id:
        changes.append(f"externalId {identity.external_id!r} -> {data.external_id!r}")
        identity.external_id = data.external_id
        identity.save()
    if changes:
        _log(actor, Op.USER_UPDATE, f"{user.username}: {'; '.join(changes)}", user=user)
    if user.is_active and not data.active:
        deprovision(user, actor=actor)
    elif not user.is_active and data.active:
        reactivate(user, actor=actor)
    return user


def end_sessions(user) -> int:
    """Delete every stored session of ``user``; the number deleted.

    Django's database sessions carry no user column, so each unexpired session is decoded
    (linear in the number of sessions; a session index that maps users to sessions will
    replace this scan)."""
    ended = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            ended.append(session.pk)
    if ended:
        Session.objects.filter(pk__in=ended).delete()
    return len(ended)


@transaction.atomic
def deprovision(user, *, actor: Actor, reason: str = "") -> None:
    """Deactivate ``user`` (never delete: history names them) and end their sessions. Their API
    token stops working at once: token authentication refuses an inactive account."""
    _require_changeable(user)
    _identity(user, actor)
    if not user.is_active:
        return
    user.is_active = False
    user.save(update_fields=["is_active"])
    sessions = end_sessions(user)
    _log(
        actor,
        Op.USER_DEACTIVATE,
        f"{user.username} deactivated by {actor.client}{f' ({reason})' if reason else ''}; "
        f"{sessions} session(s) ended",
        user=user,
    )


@transaction.atomic
def reactivate(user, *, actor: Actor) -> None:
    """Let ``user`` sign in again (roles are those their groups grant)."""
    _require_changeable(user)
    if user.is_active:
        return
    user.is_active = True
    user.save(update_fields=["is_active"])
    _log(actor, Op.USER_REACTIVATE, f"{user.username} reactivated by {actor.client}", user=user)


# --- groups and roles -------------------------------------------------------------------------


def _sync_roles(user, *, actor: Actor | None = None, admin=None) -> None:
    """Give ``user`` the roles of the SCIM groups they are in; take back those SCIM granted and
    no group grants any more. A role given in AIMS by hand is never taken back by SCIM."""
    desired = set(
        ScimGroup.objects.filter(members=user, removed_at__isnull=True)
        .exclude(role="")
        .values_list("role", flat=True)
    )
    for role in desired:
        refusal = role_refusal(role)
        if refusal:
            raise RuleForbidden(refusal, code=Code.ROLE_NOT_GRANTABLE)
    identity = ScimIdentity.objects.filter(user=user).first()
    if identity is None:
        if not desired:
            return
        identity = (
            _identity(user, actor)
            if actor is not None
            # An administrator changed a group's role: the member's first grant.
            else ScimIdentity.objects.create(user=user, client=None)
        )
    current = set(user.groups.filter(name__in=ROLES).values_list("name", flat=True))
    granted = set(identity.granted_roles)
    to_add = desired - current
    to_remove = (granted - desired) & current
    if to_add:
        user.groups.add(*Group.objects.filter(name__in=to_add))
    if to_remove:
        user.groups.remove(*Group.objects.filter(name__in=to_remove))
    new_granted = sorted(((granted & current) - to_remove) | to_add)
    if new_granted != sorted(granted):
        identity.granted_roles = new_granted
        identity.save()
    for operation, roles in ((Op.ROLE_GRANT, to_add), (Op.ROLE_REMOVE, to_remove)):
        for role in sorted(roles):
            verb = "granted to" if operation == Op.ROLE_GRANT else "removed from"
            ScimEvent.objects.create(
                client=actor.client if actor else None,
                actor=admin,
                operation=operation,
                target_user=user,
                summary=f"{role} {verb} {user.username}",
                ip=actor.ip if actor else None,
            )
    for cache in ("_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        user.__dict__.pop(cache, None)


def _check_members(users) -> None:
    for user in users:
        _require_changeable(user)


def _clean_group_name(display_name) -> str:
    if not isinstance(display_name, str) or not display_name.strip():
        raise ValidationError({"displayName": ["is required."]})
    display_name = display_name.strip()
    if len(display_name) > 255:
        raise ValidationError({"displayName": ["must be at most 255 characters."]})
    return display_name


def _check_group_name_free(display_name: str, *, instance: ScimGroup | None = None) -> None:
    taken = ScimGroup.objects.filter(display_name__iexact=display_name, removed_at__isnull=True)
    if instance is not None:
        taken = taken.exclude(pk=instance.pk)
    if taken.exists():
        raise BusinessRuleError(
            f"A group named {display_name} already exists.", code=Code.GROUP_NAME_TAKEN
        )


def _clean_external_id(external_id) -> str:
    if not isinstance(external_id, str) or len(external_id) > 255:
        raise ValidationError({"externalId": ["must be a string of at most 255 characters."]})
    return external_id


@transaction.atomic
def group_create(
    *, actor: Actor, display_name: str, external_id: str = "", members: list | None = None
) -> ScimGroup:
    display_name = _clean_group_name(display_name)
    external_id = _clean_external_id(external_id)
    role = role_for_group_name(display_name)
    _check_group_name_free(display_name)
    group = ScimGroup(display_name=display_name, external_id=external_id, role=role)
    group.save()
    _log(
        actor,
        Op.GROUP_CREATE,
        f"Group {display_name} created" + (f", grants {role}" if role else ", grants no role"),
        group=group,
    )
    if members:
        group_add_members(actor=actor, group=group, users=members)
    return group


@transaction.atomic
def group_update(
    *,
    actor: Actor,
    group: ScimGroup,
    display_name: str | None = None,
    external_id: str | None = None,
    members: list | None = None,
) -> ScimGroup:
    """Rename the group or change its externalId; with ``members``, make them its members."""
    changes = []
    if display_name is not None:
        display_name = _clean_group_name(display_name)
        if display_name != group.display_name:
            _check_group_name_free(display_name, instance=group)
            mapped = role_for_group_name(display_name)
            changes.append(f"renamed {group.display_name!r} -> {display_name!r}")
            group.display_name = display_name
            if mapped and mapped != group.role:
                changes.append(f"grants {mapped} instead of {group.role or 'no role'}")
                group.role = mapped
    if external_id is not None:
        external_id = _clean_external_id(external_id)
        if external_id != group.external_id:
            changes.append(f"externalId {group.external_id!r} -> {external_id!r}")
            group.external_id = external_id
    if changes:
        group.save()
        _log(actor, Op.GROUP_UPDATE, f"Group {group}: {'; '.join(changes)}", group=group)
        for user in group.members.all():
            _sync_roles(user, actor=actor)
    if members is not None:
        current = set(group.members.all())
        wanted = set(members)
        group_remove_members(actor=actor, group=group, users=list(current - wanted))
        group_add_members(actor=actor, group=group, users=list(wanted - current))
    return group


@transaction.atomic
def group_add_members(*, actor: Actor, group: ScimGroup, users: list) -> None:
    users = [u for u in users if not group.members.filter(pk=u.pk).exists()]
    _check_members(users)
    for user in users:
        group.members.add(user)
        _log(actor, Op.MEMBER_ADD, f"{user.username} added to {group}", user=user, group=group)
        _sync_roles(user, actor=actor)


@transaction.atomic
def group_remove_members(*, actor: Actor, group: ScimGroup, users: list) -> None:
    users = [u for u in users if group.members.filter(pk=u.pk).exists()]
    _check_members(users)
    for user in users:
        group.members.remove(user)
        _log(
            actor, Op.MEMBER_REMOVE, f"{user.username} removed from {group}", user=user, group=group
        )
        _sync_roles(user, actor=actor)


@transaction.atomic
def group_remove(*, actor: Actor, group: ScimGroup) -> None:
    """The provider deleted the group: its members lose the role it granted; the group is kept
    (the log names it), hidden from SCIM."""
    members = list(group.members.all())
    _check_members(members)
    group.removed_at = timezone.now()
    group.save()
    group.members.clear()
    _log(actor, Op.GROUP_REMOVE, f"Group {group} removed ({len(members)} member(s))", group=group)
    for user in members:
        _sync_roles(user, actor=actor)


@transaction.atomic
def group_set_role(*, admin, group: ScimGroup, role: str) -> ScimGroup:
    """An administrator changes the role a group grants (the admin); members follow."""
    if role:
        refusal = role_refusal(role)
        if refusal:
            raise RuleForbidden(refusal, code=Code.ROLE_NOT_GRANTABLE)
    previous = ScimGroup.objects.get(pk=group.pk).role
    group.role = role
    group.save()
    if previous != role:
        ScimEvent.objects.create(
            actor=admin,
            operation=Op.GROUP_ROLE_CHANGE,
            target_group=group,
            summary=f"Group {group} grants {role or 'no role'} instead of "
            f"{previous or 'no role'} (by {admin.username})",
        )
        for user in group.members.all():
            if account_refusal(user) is None:
                _sync_roles(user, admin=admin)
    return group


# --- clients ----------------------------------------------------------------------------------


@transaction.atomic
def client_create(*, name: str, created_by=None) -> tuple[ScimClient, str]:
    """A new SCIM client and its bearer token: the token is returned here once, and only its
    hash is kept."""
    token = new_token()
    client = ScimClient(
        name=(name or "").strip(),
        token_hash=hash_token(token),
        token_hint=token[:12],
        created_by=created_by,
    )
    client.full_clean()
    client.save()
    ScimEvent.objects.create(
        client=client,
        actor=created_by,
        operation=Op.CLIENT_CREATE,
        summary=f"SCIM client {client.name} created"
        + (f" by {created_by.username}" if created_by else " (command line)"),
    )
    return client, token


@transaction.atomic
def client_revoke(*, client: ScimClient, actor=None) -> ScimClient:
    """The token stops working at once; the client stays (the log names it)."""
    if client.revoked_at is None:
        client.revoked_at = timezone.now()
        client.save(update_fields=["revoked_at", "updated_at"])
        ScimEvent.objects.create(
            client=client,
            actor=actor,
            operation=Op.CLIENT_REVOKE,
            summary=f"SCIM client {client.name} revoked"
            + (f" by {actor.username}" if actor else " (command line)"),
        )
    return client
