"""Bases of the browser pages of internal audits and management reviews (the
"internal_audits" namespace): login, the record of the URL (404 when out of reach), the
permission (403), and a refused rule shown on the page with its reason."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.views import View

from aims.errors import BusinessRuleError
from aims.permissions import has_perm
from aims.view_helpers import ServiceFormMixin

T = "internal_audits/"


def error_text(exc: Exception) -> str:
    if isinstance(exc, BusinessRuleError):
        return exc.message
    if hasattr(exc, "error_dict"):
        return " ".join(m for messages_ in exc.message_dict.values() for m in messages_)
    return " ".join(exc.messages)


class Base(LoginRequiredMixin, View):
    """Login first; then ``load`` the record of the URL (404 when out of reach) and check
    ``permission`` (403)."""

    permission = ""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.load(request, **kwargs)
        if self.permission and not has_perm(request.user, self.permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def load(self, request, **kwargs) -> None:
        pass


class ActionView(Base):
    """A POST that calls one service and goes back to the record with a message; a refusal
    is shown as an error (with the HTTP status in X-Refused for scripts and tests)."""

    http_method_names = ["post"]

    def perform(self, request) -> str:
        raise NotImplementedError

    def back(self) -> str:
        raise NotImplementedError

    def post(self, request, **kwargs):
        try:
            done = self.perform(request)
        except (ValidationError, BusinessRuleError) as exc:
            if isinstance(exc, BusinessRuleError) and exc.status_code == 403:
                raise PermissionDenied(exc.message) from exc
            messages.error(request, error_text(exc))
            response = HttpResponseRedirect(self.back())
            response["X-Refused"] = str(getattr(exc, "status_code", 400))
            return response
        messages.success(request, done)
        return HttpResponseRedirect(self.back())


class FormPage(ServiceFormMixin, Base):
    """A form page: ``save`` calls the service and returns the URL to go to; refusals land
    on the form, except a 403 refusal, which is the 403 page."""

    raise_forbidden = True
