"""Reads for the officers' view of second factors: one query per table."""

from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.db.models import Prefetch

from .models import MFAReset
from .policy import FACTOR_TYPES, mfa_required


def people_factors() -> list[dict]:
    """Every active account with its second factors and whether its role requires one."""
    users = (
        get_user_model()
        .objects.filter(is_active=True)
        .order_by("last_name", "first_name", "username")
        .prefetch_related(
            "groups",
            Prefetch(
                "authenticator_set",
                queryset=Authenticator.objects.only("id", "user_id", "type", "last_used_at"),
                to_attr="factors",
            ),
        )
    )
    rows = []
    for user in users:
        kinds = [f.type for f in user.factors]
        used = [f.last_used_at for f in user.factors if f.last_used_at]
        rows.append(
            {
                "user": user,
                "roles": sorted(g.name for g in user.groups.all()),
                "required": mfa_required(user),
                "totp": Authenticator.Type.TOTP in kinds,
                "keys": kinds.count(Authenticator.Type.WEBAUTHN),
                "recovery_codes": Authenticator.Type.RECOVERY_CODES in kinds,
                "enrolled": any(kind in FACTOR_TYPES for kind in kinds),
                "any": bool(kinds),
                "last_used": max(used) if used else None,
            }
        )
    return rows


def recent_resets(limit: int = 20):
    return MFAReset.objects.select_related("user", "reset_by")[:limit]
