"""Role-matrix rows for the officers' two-factor pages (aims.mfa): who has a second factor,
and the reset of a person's factors. allauth's own two-factor pages (accounts/2fa/) are the
person's own and are excluded from the matrix (world.py); tests/aims/mfa tests them."""

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from .framework import Case, expect
from .world import World

# fmt: off
#                                anonymous nobody owner other_owner officer approver auditor
OFFICER_ONLY            = expect("login    403    403   403         ok      403      403")
# fmt: on


def target(w: World):
    """The other owner, with an authenticator app to reset."""

    def make():
        TOTP.activate(w.other_owner, generate_totp_secret())
        return w.other_owner

    return w.once("mfa_target", make)


def target_pk(w: World) -> dict:
    return {"pk": target(w).pk}


def factors(w: World) -> int:
    return Authenticator.objects.filter(user=target(w)).count()


CASES = [
    Case("security:people", "GET", OFFICER_ONLY),
    Case("security:reset", "GET", OFFICER_ONLY, kwargs=target_pk),
    Case("security:reset", "POST", OFFICER_ONLY, kwargs=target_pk,
         data=lambda w: {"reason": "Matrix: lost phone"}, effect=factors),
]  # fmt: skip
