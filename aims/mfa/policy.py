"""Who must have a second factor, and who has one.

``AIMS_MFA_REQUIRED_ROLES`` names roles (aims.roles: "Governance officer", "Approver", ...)
and/or ``administrators`` (``is_staff`` or ``is_superuser``). A person in one of them without
a second factor (an authenticator app or a security key / passkey; recovery codes alone do not
count) is held on the enrolment pages once signed in (aims.mfa.middleware).
"""

from allauth.mfa.models import Authenticator
from django.conf import settings

ADMINISTRATORS = "administrators"
# Second factors proper: recovery codes only back one of these up.
FACTOR_TYPES = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


def required_roles() -> list[str]:
    return list(getattr(settings, "AIMS_MFA_REQUIRED_ROLES", []) or [])


def mfa_required(user) -> bool:
    """Whether ``user``'s roles require a second factor (``AIMS_MFA_REQUIRED_ROLES``)."""
    roles = required_roles()
    if not roles or user is None or not getattr(user, "is_authenticated", False):
        return False
    if ADMINISTRATORS in roles and (user.is_staff or user.is_superuser):
        return True
    names = [role for role in roles if role != ADMINISTRATORS]
    if not names:
        return False
    return any(group.name in names for group in user.groups.all())


def has_second_factor(user) -> bool:
    return Authenticator.objects.filter(user=user, type__in=FACTOR_TYPES).exists()


def must_enrol(user) -> bool:
    """A signed-in person whose roles require a second factor and who has none yet."""
    return mfa_required(user) and not has_second_factor(user)


def check_required_roles(app_configs=None, **kwargs):
    """A misspelt role in ``AIMS_MFA_REQUIRED_ROLES`` would require nothing of anyone."""
    from django.core.checks import Error

    from aims.roles import ROLES

    unknown = [role for role in required_roles() if role not in (*ROLES, ADMINISTRATORS)]
    if not unknown:
        return []
    return [
        Error(
            f"AIMS_MFA_REQUIRED_ROLES names unknown roles: {', '.join(unknown)}.",
            hint=f"Use {', '.join(ROLES)} and/or {ADMINISTRATORS}.",
            id="aims.E101",
        )
    ]
