"""Building blocks the browser pages of several features share: the page of a list with its
query string, and the "bound form -> service call -> refusal on the form -> redirect" cycle.

They exist so that each feature's views only name what differs (the form, the service call,
where to go next) and a fix to the cycle reaches every edit page at once.
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render

from .errors import BusinessRuleError
from .views import apply_errors

PAGE_SIZE = 25


def querystring_without_page(request: HttpRequest) -> str:
    """The request's query string minus ``page``, ready for ``?{{ it }}page=N`` links."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode() + "&" if query else ""


def paginate(
    request: HttpRequest, items: QuerySet | list, per_page: int = PAGE_SIZE
) -> tuple[Page, str]:
    """The requested page of ``items`` and the query string that keeps the filters on its
    page links: every list page needs both, computed the same way."""
    page = Paginator(items, per_page).get_page(request.GET.get("page"))
    return page, querystring_without_page(request)


def page_context(
    request: HttpRequest, items: QuerySet | list, *, rows_name: str = "", per_page: int = PAGE_SIZE
) -> dict:
    """The template context of a paginated list: ``page_obj``, ``querystring_without_page``
    and, when ``rows_name`` is given, the page's items under that name."""
    page, query = paginate(request, items, per_page)
    context = {"page_obj": page, "querystring_without_page": query}
    if rows_name:
        context[rows_name] = page.object_list
    return context


class ServiceFormMixin:
    """GET shows the form; POST validates it, hands it to ``save`` (one service call) and
    redirects; a refused save is put on the form (``apply_errors``) with the refusal's HTTP
    status, so the user sees why and loses nothing.

    Put it before the view class that checks login and permissions. Subclasses give
    ``template_name``, ``make_form`` and ``save``; ``save`` returns where to go next, or the
    saved record and ``success_url`` turns it into the address.
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
        return HttpResponseRedirect(self.success_url(saved))


def with_people(entries: list[dict]) -> list[dict]:
    """Copies of ``aims.history_diff`` entries whose ``history_user`` is the User (one query
    for all of them), so pages name people with the ``person`` filter. The entries themselves
    keep the username, which is what the API serves."""
    ids = {entry.get("history_user_id") for entry in entries} - {None}
    users = get_user_model()._default_manager.in_bulk(ids) if ids else {}
    return [
        {**entry, "history_user": users.get(entry.get("history_user_id"), entry["history_user"])}
        for entry in entries
    ]
