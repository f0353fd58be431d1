"""The edit page: bound form -> one service call -> redirect, a refusal shown on the form.

See the package docstring (``aims.view_helpers``) for how the bases fit together.
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render

from ..errors import BusinessRuleError
from ..views import apply_errors


class ServiceFormMixin:
    """GET shows the form; POST validates it, hands it to ``save`` (one service call) and
    redirects; a refused save is put on the form (``apply_errors``) with the refusal's HTTP
    status, so the user sees why and loses nothing.

    Put it before the view class that checks login and permissions. Subclasses give
    ``template_name``, ``make_form`` and ``save``; ``save`` returns where to go next, or the
    saved record and ``success_url`` turns it into the address; ``success_message`` (of the
    saved record) is flashed when it is not empty. ``context`` adds what the template shows
    beside the form (the record, a title, the cancel link).

    Every refusal reaches the user the same way: a ``ValidationError`` (400) or a
    ``BusinessRuleError`` with its own status (403 forbidden, 409 wrong state, 400) becomes
    a message on the re-rendered form, whose response carries that status.
    """

    template_name = ""
    #: True: a service's 403 refusal (aims.errors.RuleForbidden) raises PermissionDenied,
    #: the 403 page, instead of being shown on the form.
    raise_forbidden = False
    request: HttpRequest

    def make_form(self, data=None):
        raise NotImplementedError

    def save(self, form) -> Any:
        """Call the service (and add the success message); return a URL or the record."""
        raise NotImplementedError

    def success_url(self, saved: Any) -> str:
        return saved

    def success_message(self, saved: Any) -> str:
        return ""

    def context(self) -> dict:
        return {}

    def render_form(self, form, status: int = 200, **extra) -> HttpResponse:
        context = {**self.context(), **extra, "form": form}
        return render(self.request, self.template_name, context, status=status)

    def refused(self, form, exc: ValidationError | BusinessRuleError) -> HttpResponse:
        if self.raise_forbidden and getattr(exc, "status_code", None) == 403:
            raise PermissionDenied(exc.message) from exc
        return self.render_form(form, apply_errors(form, exc))

    def get(self, request, *args, **kwargs) -> HttpResponse:
        return self.render_form(self.make_form())

    def post(self, request, *args, **kwargs) -> HttpResponse:
        form = self.make_form(request.POST)
        if not form.is_valid():
            return self.render_form(form, 400)
        try:
            saved = self.save(form)
        except (ValidationError, BusinessRuleError) as exc:
            return self.refused(form, exc)
        message = self.success_message(saved)
        if message:
            messages.success(self.request, message)
        return HttpResponseRedirect(self.success_url(saved))
