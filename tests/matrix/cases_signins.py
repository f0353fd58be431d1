"""Role-matrix rows for the sign-in audit: the page, the unlock action (confirm and do) and
the API list. Governance officers only (and administrators, who are no matrix role); auditors
do not read it (personal data: addresses and browsers)."""

from aims.signins.models import SignInEvent

from .framework import Case, expect
from .world import World

# fmt: off
#                                anonymous nobody owner other_owner officer approver auditor
OFFICER_ONLY            = expect("login    403    403   403         ok      403      403")
API_OFFICER_ONLY        = expect("401      403    403   403         ok      403      403")
# fmt: on


def unlocks(w: World) -> int:
    return SignInEvent.objects.filter(kind=SignInEvent.Kind.UNLOCKED).count()


CASES = [
    Case("signins:event_list", "GET", OFFICER_ONLY),
    Case("signins:unlock", "GET", OFFICER_ONLY),
    Case("signins:unlock", "POST", OFFICER_ONLY, data=lambda w: {"username": "locked_person"},
         effect=unlocks),
    Case("api:signinevent-list", "GET", API_OFFICER_ONLY),
]  # fmt: skip
