"""SSO-only mode: the password change and reset pages (ours and django-allauth's) answer 403
with the reason to everyone but a signed-in break-glass account."""

from django.shortcuts import render

from .services import password_pages_refusal

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
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or match.url_name not in PASSWORD_PAGES:
            return None
        reason = password_pages_refusal(request.user)
        if reason:
            return render(request, "sso/refused.html", {"reason": reason}, status=403)
        return None
