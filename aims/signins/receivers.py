"""The sign-in audit listens to Django's sign-in signals and axes' lockout signal.

Connected from aims.signins.wiring (aims' ready(), after axes' own receivers: the lockout
handler has already said, on the request, whether a failure was refused because of a lockout).
"""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

from aims.signins.models import SignInEvent
from aims.signins.services import sign_in_event_record


def _signed_in(sender, request, user, **kwargs) -> None:
    sign_in_event_record(request=request, kind=SignInEvent.Kind.SIGNED_IN, user=user)


def _failed(sender, credentials, request=None, **kwargs) -> None:
    outcome = getattr(request, "aims_signin_outcome", "")
    kind = (
        SignInEvent.Kind.REFUSED_LOCKED if outcome == "refused_locked" else SignInEvent.Kind.FAILED
    )
    username = str((credentials or {}).get("username") or "")
    sign_in_event_record(request=request, kind=kind, username=username)


def _signed_out(sender, request, user, **kwargs) -> None:
    if user is None:
        return
    sign_in_event_record(request=request, kind=SignInEvent.Kind.SIGNED_OUT, user=user)


def _locked_out(sender, request, username, ip_address=None, **kwargs) -> None:
    sign_in_event_record(request=request, kind=SignInEvent.Kind.LOCKED_OUT, username=username)


def connect() -> None:
    user_logged_in.connect(_signed_in, dispatch_uid="aims.signins.signed_in")
    user_login_failed.connect(_failed, dispatch_uid="aims.signins.failed")
    user_logged_out.connect(_signed_out, dispatch_uid="aims.signins.signed_out")
    user_locked_out.connect(_locked_out, dispatch_uid="aims.signins.locked_out")
