"""Accounts of the certification body's auditors: time-boxed, read-only, limited to one
external audit's scope.

- The account is a user in the "Certification auditor" group (aims.roles.CERT_AUDITOR). The
  group's model permissions let it read the management-system documents every certification
  audit covers (scope, policy, objectives, roles and competence, SoA, internal audits,
  management reviews) and never write.
- Operational records (systems and everything under them) are seen only through django-guardian
  *view* object permissions on the audit's sampled systems (:func:`sync_user_scope`), so the
  visibility core (aims.visibility) narrows every list, page, API and export to them.
- External audits, their findings and our responses, and the evidence packs made for them are
  narrowed by :func:`certification_auditor_rule` to the audits the user holds a current access to.
- Outside [valid_from, valid_until], or once revoked, the account is refused everywhere: the
  sign-in form, running sessions and the API all ask :func:`auditor_access_refusal`.
"""

import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from guardian.shortcuts import assign_perm, remove_perm

from aims.errors import TransitionNotAllowed
from aims.history import save_with_history
from aims.permissions import require
from aims.roles import CERT_AUDITOR, ROLES
from aims.visibility import Rule, role_rule
from inventory.models import AISystem

from ..errors import Code
from .models import AuditorAccess, ExternalAudit, ExternalFinding, FindingResponse

User = get_user_model()

#: How long after the audit's last day an access may still run (the body writes its report).
MAX_DAYS_AFTER_AUDIT = 30
SYSTEM_VIEW = "inventory.view_aisystem"
MANAGE_PERM = "audits.add_auditoraccess"
MANAGE_REFUSAL = "Only governance officers manage the accounts of certification auditors."


# --- who is a certification auditor ---------------------------------------------------------


def _role_grants() -> frozenset[str]:
    from aims.roles import PERMISSIONS as AIMS_GRANTS

    from ..roles import PERMISSIONS as AUDITS_GRANTS

    return frozenset([*AIMS_GRANTS[CERT_AUDITOR], *AUDITS_GRANTS[CERT_AUDITOR]])


MARKER = "audits.view_externalfinding"


def is_certification_auditor(user) -> bool:
    """A user whose only role is Certification auditor (a person who also holds another role
    is governed by that role, not boxed in by an audit).

    Read from the user's model permissions, which Django caches on the user and which every
    request loads anyway: they hold the role's mark and nothing beyond the role's grants.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser or user.is_staff:
        return False
    perms = user.get_all_permissions()
    return MARKER in perms and perms <= _role_grants()


def current_audit_ids(user, today: date | None = None):
    """A subquery of the audits ``user`` holds a current access to."""
    today = today or timezone.localdate()
    return (
        AuditorAccess.objects.filter(AuditorAccess.current_q(today), user=user)
        .order_by()
        .values("audit_id")
    )


def auditor_access_refusal(user, today: date | None = None) -> str | None:
    """Why ``user`` may not use the application today (None: they may, or they are not a
    certification auditor). The one rule of the sign-in form, running sessions and the API."""
    if not is_certification_auditor(user):
        return None
    today = today or timezone.localdate()
    accesses = list(AuditorAccess.objects.filter(user=user).select_related("audit"))
    if any(a.is_current(today) for a in accesses):
        return None
    if not accesses:
        return "Your account holds no access to an audit."
    upcoming = sorted(
        (a for a in accesses if a.revoked_at is None and a.valid_from > today),
        key=lambda a: a.valid_from,
    )
    if upcoming:
        first = upcoming[0]
        return f"Your access for audit {first.audit.reference} starts on {first.valid_from}."
    revoked = [a for a in accesses if a.revoked_at is not None]
    ended = [a for a in accesses if a.revoked_at is None]
    if ended:
        last = max(ended, key=lambda a: a.valid_until)
        return f"Your access for audit {last.audit.reference} ended on {last.valid_until}."
    last = max(revoked, key=lambda a: a.revoked_at)
    when = timezone.localdate(last.revoked_at)
    return f"Your access for audit {last.audit.reference} was withdrawn on {when}."


def certification_auditor_rule(model, user, action: str, prefix: str) -> Rule | None:
    """The records of ``model`` (an external audit, finding, response or evidence pack) a
    certification auditor sees: those of the audits they hold a current access to. For anyone
    else, the type's usual rule (role_rule for the certification registers, the default rule
    for packs); for any other action, None (the default rule: they hold no write permission)."""
    from ..models import EvidencePack

    if action != "view" or not is_certification_auditor(user):
        return None if model is EvidencePack else role_rule(model, user, action, prefix)
    audits = current_audit_ids(user)
    if model is ExternalAudit:
        return Q(**{f"{prefix}pk__in": audits})
    if model is ExternalFinding:
        return Q(**{f"{prefix}audit_id__in": audits})
    if model is FindingResponse:
        return Q(**{f"{prefix}finding__audit_id__in": audits})
    if model is EvidencePack:
        packs = ExternalAudit.objects.filter(pk__in=audits).order_by().values("evidence_pack_id")
        return Q(**{f"{prefix}external_audit_id__in": audits}) | Q(**{f"{prefix}pk__in": packs})
    return None


# --- scope: view permissions on the sampled systems -----------------------------------------


def scope_system_ids(user, today: date | None = None) -> set[int]:
    """The systems sampled by the audits ``user`` holds a current access to."""
    audits = current_audit_ids(user, today)
    through = ExternalAudit.sampled_systems.through
    return set(
        through.objects.filter(externalaudit_id__in=audits).values_list("aisystem_id", flat=True)
    )


def _held_system_ids(user) -> set[int]:
    from guardian.shortcuts import get_objects_for_user

    return set(
        get_objects_for_user(
            user, SYSTEM_VIEW, klass=AISystem, with_superuser=False, use_groups=False
        ).values_list("pk", flat=True)
    )


def sync_user_scope(user, today: date | None = None) -> tuple[int, int]:
    """Give ``user`` view permission on exactly the systems of their current accesses, and
    take it from the others. Only for certification auditors (an owner's permissions are never
    touched). Idempotent; returns (added, removed)."""
    if not is_certification_auditor(user):
        return 0, 0
    wanted = scope_system_ids(user, today)
    held = _held_system_ids(user)
    systems = AISystem.objects.in_bulk(wanted ^ held)
    for pk in wanted - held:
        assign_perm(SYSTEM_VIEW, user, systems[pk])
    for pk in held - wanted:
        remove_perm(SYSTEM_VIEW, user, systems[pk])
    return len(wanted - held), len(held - wanted)


def sync_auditor_scope(audit: ExternalAudit, today: date | None = None) -> None:
    """Re-apply the scope of every auditor of ``audit``: call it whenever the audit's sampled
    systems change, and after a grant, revoke or extension."""
    users = User.objects.filter(pk__in=audit.accesses.values("user_id"))
    for user in users:
        sync_user_scope(user, today)


def sweep_ended_accesses(today: date | None = None) -> int:
    """Take the scope from every auditor whose accesses have ended (the daily sweep); also
    gives it to those whose access started today. Idempotent; returns the changes made."""
    changes = 0
    users = User.objects.filter(pk__in=AuditorAccess.objects.values("user_id"))
    for user in users:
        added, removed = sync_user_scope(user, today)
        changes += added + removed
    return changes


# --- granting, revoking, extending ----------------------------------------------------------


@dataclass
class Grant:
    access: AuditorAccess
    created_account: bool
    set_password_path: str  # shown once to the officer and e-mailed to the auditor


def last_access_day(audit: ExternalAudit) -> date:
    """The last day an access to ``audit`` may run (capped at the calendar's end)."""
    return audit.end_date + min(timedelta(days=MAX_DAYS_AFTER_AUDIT), date.max - audit.end_date)


def window_errors(audit: ExternalAudit, valid_from: date, valid_until: date, today: date) -> dict:
    """Field errors of an access window (empty: it may be granted)."""
    errors: dict[str, str] = {}
    if valid_from and valid_until and valid_until < valid_from:
        errors["valid_until"] = "Access cannot end before it starts."
    elif valid_until and valid_until < today:
        errors["valid_until"] = (
            f"{valid_until} has already passed: that would be an expired auditor account."
        )
    elif valid_until and valid_until > last_access_day(audit):
        errors["valid_until"] = (
            f"The audit ends on {audit.end_date}; access may run at most "
            f"{MAX_DAYS_AFTER_AUDIT} days beyond it (until "
            f"{last_access_day(audit)})."
        )
    return errors


def account_refusal(user) -> str | None:
    """Why an existing account cannot become (or stay) a certification auditor's."""
    if user.is_superuser or user.is_staff:
        return (
            f"{user.username} is an administrator's account; give the auditor an account of "
            "their own."
        )
    other = set(user.groups.filter(name__in=ROLES).values_list("name", flat=True)) - {CERT_AUDITOR}
    if other:
        return (
            f"{user.username} already holds the role {', '.join(sorted(other))}: a certification"
            " auditor's account must be separate from the organisation's accounts."
        )
    return None


def set_password_path(user) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return reverse("certification:auditor_set_password", args=[uid, token])


def _mail_invitation(access: AuditorAccess, path: str) -> None:
    user = access.user
    if not user.email:
        return
    body = (
        f"You have been given read-only access to the AI management system for audit "
        f"{access.audit.reference}, from {access.valid_from} to {access.valid_until}.\n\n"
        f"Your user name: {user.username}\n"
        f"Choose your password here: {settings.AIMS_BASE_URL.rstrip('/')}{path}\n"
    )
    transaction.on_commit(
        lambda: send_mail(
            f"Your access for audit {access.audit.reference}",
            body,
            None,
            [user.email],
            fail_silently=True,
        )
    )


@transaction.atomic
def grant_access(
    *,
    audit: ExternalAudit,
    actor,
    username: str,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    valid_from: date,
    valid_until: date,
    today: date | None = None,
) -> Grant:
    """Give the body's auditor a time-boxed, read-only account on ``audit``: create it (or
    reuse their existing certification-auditor account), put it in the group, record the
    access and apply the audit's scope. The set-password link is returned once."""
    require(actor, MANAGE_PERM, message=MANAGE_REFUSAL, code=Code.PERMISSION_DENIED)
    today = today or timezone.localdate()
    username = (username or "").strip()
    errors = window_errors(audit, valid_from, valid_until, today)
    if not username:
        errors["username"] = "Give the auditor's user name."
    user = User.objects.filter(username__iexact=username).first() if username else None
    if user is not None:
        refusal = account_refusal(user)
        if refusal:
            errors["username"] = refusal
        elif AuditorAccess.objects.filter(audit=audit, user=user).exists():
            errors["username"] = f"{user.username} already has an access to {audit.reference}."
    if errors:
        raise ValidationError(errors)
    created = user is None
    if created:
        user = User(username=username, email=email, first_name=first_name, last_name=last_name)
        user.set_password(secrets.token_urlsafe(32))  # replaced through the set-password link
        user.full_clean()
        user.save()
    user.groups.add(Group.objects.get(name=CERT_AUDITOR))
    for cache in ("_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        user.__dict__.pop(cache, None)
    access = AuditorAccess(
        audit=audit, user=user, valid_from=valid_from, valid_until=valid_until, granted_by=actor
    )
    save_with_history(
        access,
        actor=actor,
        reason=f"Access granted to {user.username} for {audit.reference} "
        f"({valid_from} to {valid_until})",
    )
    sync_user_scope(user, today)
    path = set_password_path(user)
    _mail_invitation(access, path)
    return Grant(access=access, created_account=created, set_password_path=path)


def revoke_refusal(access: AuditorAccess) -> str | None:
    if access.revoked_at is not None:
        return f"The access of {access.user.username} was already withdrawn."
    return None


@transaction.atomic
def revoke_access(*, access: AuditorAccess, actor, reason: str = "") -> AuditorAccess:
    """Withdraw an access at once: the account is refused from its next request on."""
    require(actor, MANAGE_PERM, message=MANAGE_REFUSAL, code=Code.PERMISSION_DENIED)
    access = AuditorAccess.objects.select_for_update().get(pk=access.pk)
    refusal = revoke_refusal(access)
    if refusal:
        raise TransitionNotAllowed(refusal, code=Code.TRANSITION_NOT_ALLOWED)
    access.revoked_at, access.revoked_by = timezone.now(), actor
    text = f"Access of {access.user.username} to {access.audit.reference} withdrawn"
    save_with_history(access, actor=actor, reason=f"{text}: {reason}" if reason else text)
    sync_user_scope(access.user)
    return access


def extend_refusal(access: AuditorAccess) -> str | None:
    if access.revoked_at is not None:
        return "A withdrawn access cannot be extended; grant a new one."
    return None


@transaction.atomic
def extend_access(
    *, access: AuditorAccess, actor, valid_until: date, today: date | None = None
) -> AuditorAccess:
    """Move the end of an access (later, or earlier to shorten it), within the same limits as
    a grant."""
    require(actor, MANAGE_PERM, message=MANAGE_REFUSAL, code=Code.PERMISSION_DENIED)
    access = AuditorAccess.objects.select_for_update().select_related("audit").get(pk=access.pk)
    refusal = extend_refusal(access)
    if refusal:
        raise TransitionNotAllowed(refusal, code=Code.TRANSITION_NOT_ALLOWED)
    today = today or timezone.localdate()
    errors = window_errors(access.audit, access.valid_from, valid_until, today)
    if errors:
        raise ValidationError(errors)
    previous = access.valid_until
    access.valid_until = valid_until
    save_with_history(
        access,
        actor=actor,
        reason=f"Access of {access.user.username} to {access.audit.reference} now ends on "
        f"{valid_until} (was {previous})",
    )
    sync_user_scope(access.user, today)
    return access


# --- keeping the scope in step with the audit's sample -------------------------------------


def _sample_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    """When an audit's sampled systems change (from either side), its auditors' view
    permissions follow at once, in the same transaction."""
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        sync_auditor_scope(instance)
        return
    audits = ExternalAudit.objects.filter(
        pk__in=pk_set or [], accesses__isnull=False
    ).distinct()  # a system changed from its side: each audit named
    for audit in audits:
        sync_auditor_scope(audit)


def register() -> None:
    """Connect the signal above and register the admin (called from AuditsConfig.ready)."""
    from django.db.models.signals import m2m_changed

    from . import access_admin  # noqa: F401  (registers AuditorAccessAdmin)

    m2m_changed.connect(
        _sample_changed,
        sender=ExternalAudit.sampled_systems.through,
        dispatch_uid="certification_auditor_scope",
    )
