"""The edit page: bound form -> one service call -> redirect, a refusal shown on the form.

See the package docstring (``aims.view_helpers``) for how the bases fit together.
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render

from ..concurrency import (
    VERSION_FIELD,
    BadVersion,
    current_version,
    editing,  # noqa: F401  (re-exported: the one way a hand-built edit view runs its save)
    is_versioned,
    parse_version,
)
from ..errors import BusinessRuleError
from ..views import apply_errors


class VersionField(forms.Field):
    """The hidden version of the record an edit form was loaded from (aims.concurrency).
    Rendered by ``includes/form_errors.html``, which every form page includes."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, label="Version of the record", **kwargs)

    def has_changed(self, initial, data) -> bool:
        # Bookkeeping, not input: never in ``changed_data``, never "something changed".
        return False

    def to_python(self, value):
        try:
            return parse_version(value)
        except BadVersion:
            raise ValidationError(
                "This form does not say which version of the record it was loaded from: "
                "reload the page and enter your change again.",
                code="invalid",
            ) from None


def add_version(form, record) -> None:
    """Give ``form`` its hidden version of ``record``: the current one on a fresh form, the
    one the browser sends back on a bound form."""
    form.fields[VERSION_FIELD] = VersionField(
        initial=None if form.is_bound else current_version(record)
    )


def take_version(form) -> int | None:
    """The version a valid bound form carries, taken out of ``cleaned_data`` so the service
    only sees the record's fields."""
    return form.cleaned_data.pop(VERSION_FIELD, None)


class ServiceFormMixin:
    """GET shows the form; POST validates it, hands it to ``save`` (one service call) and
    redirects; a refused save is put on the form (``apply_errors``) with the refusal's HTTP
    status, so the user sees why and loses nothing.

    Put it before the view class that checks login and permissions. Subclasses give
    ``template_name``, ``make_form`` and ``save``; ``save`` returns where to go next, or the
    saved record and ``success_url`` turns it into the address; ``success_message`` (of the
    saved record) is flashed when it is not empty. ``context`` adds what the template shows
    beside the form (the record, a title, the cancel link).

    An edit form of a record (``version_record``: by default the saved, history-tracked
    instance of a model form) carries the record's version (aims.concurrency): the save runs
    locked at that version, and a record changed since is refused on the form with what
    changed, the user's input kept (409).

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

    def version_record(self, form) -> Any:
        """The record whose version the form carries, or None (a form that creates one, an
        action that is not an edit). A model form's saved, history-tracked instance by
        default."""
        instance = getattr(form, "instance", None)
        return instance if is_versioned(instance) else None

    def refused(self, form, exc: ValidationError | BusinessRuleError) -> HttpResponse:
        if self.raise_forbidden and getattr(exc, "status_code", None) == 403:
            raise PermissionDenied(exc.message) from exc
        return self.render_form(form, apply_errors(form, exc))

    def make_versioned_form(self, data=None):
        form = self.make_form(data)
        record = self.version_record(form)
        if record is not None:
            add_version(form, record)
        return form, record

    def get(self, request, *args, **kwargs) -> HttpResponse:
        return self.render_form(self.make_versioned_form()[0])

    def post(self, request, *args, **kwargs) -> HttpResponse:
        form, record = self.make_versioned_form(request.POST)
        if not form.is_valid():
            return self.render_form(form, 400)
        version = take_version(form)
        try:
            with editing(record, version):
                saved = self.save(form)
        except (ValidationError, BusinessRuleError) as exc:
            return self.refused(form, exc)
        message = self.success_message(saved)
        if message:
            messages.success(self.request, message)
        return HttpResponseRedirect(self.success_url(saved))
