"""SSO-only mode: the password change and reset pages (ours and django-allauth's) answer 403
with the reason to everyone but a signed-in break-glass account. And on the pages with "Sign in
with" buttons, the Content-Security-Policy lets their forms end at the providers' origins."""

from django.shortcuts import render

from .services import PROVIDER_BUTTON_PAGES, password_pages_refusal, provider_origins

PASSWORD_PAGES = frozenset(
    {
        "password_change",
        "password_change_done",
        "password_reset",
        "password_reset_done",
        "password_reset_confirm",
        "password_reset_complete",
        "account_change_password",
        "account_set_password",
        "account_reset_password",
        "account_reset_password_done",
        "account_reset_password_from_key",
        "account_reset_password_from_key_done",
    }
)


class SSOOnlyPasswordPagesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if match is not None and match.url_name in PROVIDER_BUTTON_PAGES:
            origins = provider_origins(request)
            if origins:
                # Read by django-csp's middleware (outside this one), enforced or report-only.
                update = {"form-action": ["'self'", *origins]}
                response._csp_update = response._csp_update_ro = update
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or match.url_name not in PASSWORD_PAGES:
            return None
        reason = password_pages_refusal(request.user)
        if reason:
            return render(request, "sso/refused.html", {"reason": reason}, status=403)
        return None
