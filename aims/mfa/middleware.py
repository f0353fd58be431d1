"""The enrolment gate: a signed-in person whose role requires a second factor
(``AIMS_MFA_REQUIRED_ROLES``) and who has none reaches only the pages that set one up, sign
out and static files until they have one. Their browser lands on the two-factor page; the API
answers their session requests 403 ``mfa_required`` (token requests are integrations' and
pass: the gate is on the person's sign-in, not on their tokens)."""

from allauth.mfa.signals import authenticator_removed
from django.conf import settings
from django.contrib import messages
from django.dispatch import receiver
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from aims.errors import Code

from .policy import must_enrol, required_roles

# Set once the person has a second factor: later requests of the session cost nothing.
SESSION_KEY = "aims_mfa_ok"
MESSAGE = (
    "Your role requires two-factor authentication. Set up an authenticator app or a security "
    "key to continue."
)


def _open_paths() -> tuple[str, ...]:
    return (
        "/accounts/2fa/",
        "/accounts/reauthenticate/",
        reverse("logout"),
        reverse("login"),
        "/" + settings.STATIC_URL.lstrip("/"),
    )


class MFAEnrolmentMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._held(request):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"message": MESSAGE, "code": str(Code.MFA_REQUIRED), "extra": {}}, status=403
                )
            if not request.path.startswith(_open_paths()):
                messages.warning(request, MESSAGE)
                return redirect("mfa_index")
        return self.get_response(request)

    def _held(self, request) -> bool:
        if not required_roles():
            return False
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return False  # anonymous, or an API token (read by DRF, after this middleware)
        if request.path.startswith("/api/") and "HTTP_AUTHORIZATION" in request.META:
            return False  # a token request: DRF authenticates it by the token
        if request.session.get(SESSION_KEY):
            return False
        if must_enrol(user):
            return True
        request.session[SESSION_KEY] = True
        return False


@receiver(authenticator_removed, dispatch_uid="aims_mfa_removed")
def _recheck(sender, request=None, **kwargs) -> None:
    """A factor removed in this session: the gate looks again at the next request."""
    if request is not None and hasattr(request, "session"):
        request.session.pop(SESSION_KEY, None)
