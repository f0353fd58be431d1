"""The officers' reset of a person's second factors (a lost phone, a lost key): every factor and
the recovery codes go, the person enrols again at the next sign-in if their role requires it,
and the reset is recorded (MFAReset)."""

from allauth.mfa.models import Authenticator
from django.db import transaction

from aims.errors import BusinessRuleError, Code, RuleForbidden
from aims.permissions import has_global_perm

from .models import MFAReset

RESET_PERMISSION = "aims.add_mfareset"
VIEW_PERMISSION = "aims.view_mfareset"
KIND_WORDS = {
    Authenticator.Type.TOTP: ("authenticator app", "authenticator apps"),
    Authenticator.Type.WEBAUTHN: ("security key or passkey", "security keys or passkeys"),
    Authenticator.Type.RECOVERY_CODES: ("recovery codes", "recovery codes"),
}


def describe_factors(user) -> str:
    """The person's second factors in words ("authenticator app, 2 security keys or passkeys")."""
    counts: dict[str, int] = {}
    for kind in Authenticator.objects.filter(user=user).values_list("type", flat=True):
        counts[kind] = counts.get(kind, 0) + 1
    words = []
    for kind, (one, many) in KIND_WORDS.items():
        n = counts.get(kind, 0)
        if n == 1 or (n and kind == Authenticator.Type.RECOVERY_CODES):
            words.append(one)
        elif n:
            words.append(f"{n} {many}")
    return ", ".join(words)


def mfa_reset_refusal(*, actor, user, has_factors: bool | None = None) -> BusinessRuleError | None:
    """Why ``actor`` may not reset ``user``'s second factors (None: they may). ``has_factors``:
    whether ``user`` has any, when the caller already read it (a list of people)."""
    if not has_global_perm(actor, RESET_PERMISSION):
        return RuleForbidden(
            "Only a governance officer or an administrator resets second factors.",
            code=Code.PERMISSION_DENIED,
        )
    if actor.pk == user.pk:
        return RuleForbidden(
            "Your own second factors are changed from your Two-factor authentication page.",
            code=Code.MFA_OWN_ACCOUNT,
        )
    if user.is_superuser and not actor.is_superuser:
        return RuleForbidden(
            "Only a superuser resets a superuser's second factors.", code=Code.PERMISSION_DENIED
        )
    if has_factors is None:
        has_factors = Authenticator.objects.filter(user=user).exists()
    if not has_factors:
        return BusinessRuleError(
            "This person has no second factor to reset.", code=Code.MFA_NOTHING_TO_RESET
        )
    return None


@transaction.atomic
def mfa_reset(*, actor, user, reason: str, ip_address: str | None = None) -> MFAReset:
    refusal = mfa_reset_refusal(actor=actor, user=user)
    if refusal is not None:
        raise refusal
    removed = describe_factors(user)
    record = MFAReset(
        user=user, reset_by=actor, removed=removed, reason=reason.strip(), ip_address=ip_address
    )
    record.full_clean()
    Authenticator.objects.filter(user=user).delete()
    record.save()
    return record
