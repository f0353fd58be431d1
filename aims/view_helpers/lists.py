"""The list page: search, declared filters, sortable columns, a capped page size, and the CSV
export of exactly the filtered list.

See the package docstring (``aims.view_helpers``) for how the bases fit together.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .export import Column, csv_response, xlsx_response

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


def order_by_sort(queryset: QuerySet, sort: str, sortable: Mapping[str, str]) -> QuerySet:
    """``queryset`` ordered by the column ``sort`` names (``-name`` for descending), through
    the whitelist ``sortable`` (key -> model field), with ``id`` as the tiebreak so a page
    boundary never moves between two requests. An unknown key leaves the order as it was."""
    field = sortable.get(sort.removeprefix("-"))
    if field is None:
        return queryset
    ordering = [f"-{field}" if sort.startswith("-") else field]
    if field not in ("id", "pk"):
        ordering.append("id")
    return queryset.order_by(*ordering)


def order_list_by_sort(rows: Sequence, sort: str, sortable: Mapping[str, str]) -> list:
    """A list of rows computed in Python (not a queryset) ordered as :func:`order_by_sort`
    orders a queryset: through the same whitelist, where the value is the row's attribute of
    that name. Text sorts without regard to case; rows without a value come last either way;
    the sort is stable, so rows that tie keep the order they were computed in."""
    rows = list(rows)
    attr = sortable.get(sort.removeprefix("-"))
    if attr is None:
        return rows

    def value(row):
        found = getattr(row, attr, None)
        return found.lower() if isinstance(found, str) else found

    present = [row for row in rows if value(row) not in (None, "")]
    missing = [row for row in rows if value(row) in (None, "")]
    present.sort(key=value, reverse=sort.startswith("-"))
    return present + missing


class ListPageMixin:
    """A list page, and with ``export = "csv"`` or ``"xlsx"`` the file of the same list
    (``export = True`` is CSV). One view class serves all three routes::

        path("", SystemListView.as_view(), name="system_list"),
        path("export.csv", SystemListView.as_view(export="csv"), name="system_export"),
        path("export.xlsx", SystemListView.as_view(export="xlsx"), name="system_export_xlsx"),


    A subclass declares:

    - ``template_name`` and ``rows_name``, the context name of the page's rows;
    - ``rows(filters)``: the app's selector call, e.g.
      ``selectors.system_list(user=self.request.user, filters=filters)``. The selector
      restricts to what the user may see, so the page and the export show the same rows.
      Rows computed in Python (a list, e.g. the readiness gaps) work too: they are sorted
      by :func:`order_list_by_sort`, where ``sortable`` names row attributes;
    - ``filter_form_class``: a GET form (search ``q`` and the declared filters) whose cleaned
      data are the selector's ``filters``; an invalid form filters nothing. A page without a
      form overrides ``get_filters``;
    - ``sortable`` (URL key -> model field) and ``default_sort``: the columns the user may
      sort on (``?sort=name``, ``?sort=-name``); any other key falls back to the default;
    - ``page_sizes``: the sizes offered through ``?page_size=``; the first is the default and
      any other value is refused for it, so nobody asks for an unbounded page;
    - ``export_columns`` (header, getter) and ``export_filename`` (``name.csv``; the XLSX
      file takes the same name with ``.xlsx``);
    - ``extra_context(page)`` for what else the template needs (permissions, labels); the
      bound filter form and the filters are there as ``self.filter_form``, ``self.filters``.

    The context always has ``form``, ``page_obj``, the rows, ``querystring_without_page``
    (for the pager), ``export_query`` (the filters for the export link), and, on a sortable
    list, ``sort`` and ``querystring_without_sort`` for the column headers.

    Put it after the mixin that checks login and permissions (both pages need the same).
    """

    template_name = ""
    rows_name = "object_list"
    filter_form_class: type | None = None
    sortable: Mapping[str, str] = {}
    default_sort = ""
    page_sizes: Sequence[int] = (PAGE_SIZE,)
    export: bool | str = False
    export_columns: Sequence[Column] = ()
    export_filename = "export.csv"
    request: HttpRequest

    def rows(self, filters: dict) -> QuerySet | list:
        raise NotImplementedError

    def extra_context(self, page: Page) -> dict:
        return {}

    def get_filter_form(self):
        if self.filter_form_class is None:
            return None
        return self.filter_form_class(self.request.GET or None)

    def get_filters(self, form) -> dict:
        return dict(form.cleaned_data) if form is not None and form.is_valid() else {}

    def get_sort(self) -> str:
        sort = self.request.GET.get("sort", self.default_sort)
        return sort if sort.removeprefix("-") in self.sortable else self.default_sort

    def get_page_size(self) -> int:
        try:
            size = int(self.request.GET.get("page_size", ""))
        except ValueError:
            return self.page_sizes[0]
        return size if size in self.page_sizes else self.page_sizes[0]

    def queryset(self, filters: dict) -> QuerySet | list:
        rows = self.rows(filters)
        if not self.sortable:
            return rows
        if isinstance(rows, QuerySet):
            return order_by_sort(rows, self.get_sort(), self.sortable)
        return order_list_by_sort(rows, self.get_sort(), self.sortable)

    def get(self, request, *args, **kwargs) -> HttpResponse:
        self.filter_form = form = self.get_filter_form()
        self.filters = self.get_filters(form)
        rows = self.queryset(self.filters)
        if self.export == "xlsx":
            name = self.export_filename.removesuffix(".csv") + ".xlsx"
            return xlsx_response(
                self.export_rows(rows), self.export_columns, name, title=self.export_title()
            )
        if self.export:
            return csv_response(self.export_rows(rows), self.export_columns, self.export_filename)
        return render(request, self.template_name, self.get_context(form, rows))

    def export_rows(self, rows: QuerySet | list) -> QuerySet | list:
        """The rows the export's getters read: the list's rows, or (overridden) the same
        queryset as ``values()`` rows, so a large export builds no model instance."""
        return rows

    def export_title(self) -> str:
        """The worksheet's name: the file's name in words ("ai-systems" -> "Ai systems")."""
        return self.export_filename.removesuffix(".csv").replace("-", " ").capitalize()

    def get_context(self, form, rows: QuerySet) -> dict[str, Any]:
        page = Paginator(rows, self.get_page_size()).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        context = {
            "form": form,
            "page_obj": page,
            "querystring_without_page": query.urlencode() + "&" if query else "",
            "export_query": query.urlencode(),
            "page_sizes": self.page_sizes,
        }
        if self.rows_name:
            context[self.rows_name] = page.object_list
        if self.sortable:
            query.pop("sort", None)
            context["sort"] = self.get_sort()
            context["querystring_without_sort"] = query.urlencode()
        context.update(self.extra_context(page))
        return context
