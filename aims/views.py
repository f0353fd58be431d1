from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.generic import TemplateView

from .concurrency import VERSION_FIELD, StaleVersion
from .dashboard import panels_for
from .errors import BusinessRuleError
from .roles import role_names


def show_stale(form, exc: StaleVersion) -> int:
    """Put a stale-edit refusal (aims.concurrency) on the form: the message, then what
    changed, one line each. The user's input stays; the hidden version moves to the current
    one, so saving again applies their input knowingly over the change they have now seen.
    Returns 409 (conflict)."""
    form.add_error(None, exc.message)
    for line in exc.lines:
        form.add_error(None, line)
    data = form.data.copy()
    data[form.add_prefix(VERSION_FIELD)] = str(exc.extra["current_version"])
    form.data = data
    return 409


def apply_errors(form, exc: Exception) -> int:
    """Put a service's refusal on the form so the user sees why and loses nothing.

    Returns the HTTP status the re-rendered form should carry.
    """
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, exc.messages)
        return 400
    if isinstance(exc, StaleVersion):
        return show_stale(form, exc)
    if isinstance(exc, BusinessRuleError):
        form.add_error(None, exc.message)
        for item in exc.extra.get("missing", []):
            form.add_error(None, item)
        return exc.status_code
    raise exc


def safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


class DashboardView(LoginRequiredMixin, TemplateView):
    template_name = "aims/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["panels"] = panels_for(self.request)
        context["roles"] = role_names(self.request.user)
        return context
