"""The shared bases of the browser pages. A feature's views name only what differs (the
selector, the form, the service call, where to go next); the cycle around them lives here,
so a fix reaches every page at once. Import from ``aims.view_helpers``.

Three kinds of page, one base each:

**A list** — :class:`ListPageMixin` (``lists.py``)::

    class SystemListView(LoginRequiredMixin, ListPageMixin, View):
        template_name = "inventory/system_list.html"
        rows_name = "systems"
        filter_form_class = SystemFilterForm          # q + the declared filters
        sortable, default_sort = selectors.SORTABLE, "reference"
        page_sizes = (25, 50, 100)                     # first is the default; the cap
        export_columns = [("Reference", lambda s: s.reference), ...]
        export_filename = "ai-systems.csv"

        def rows(self, filters):                       # the selector: visibility + filters
            return selectors.system_list(user=self.request.user, filters=filters)

    # urls.py: one class, three routes
    path("export.csv", SystemListView.as_view(export="csv"), name="system_export"),
    path("export.xlsx", SystemListView.as_view(export="xlsx"), name="system_export_xlsx"),

Rows computed in Python rather than read by a queryset (the readiness gaps joined with their
assignments, ``audits.soa.gap_views``) are a list: ``rows`` returns it, and the same
``sortable`` whitelist names row attributes, sorted by :func:`order_list_by_sort`.

The export is the list view with ``export = "csv"`` or ``"xlsx"``: the same filter form,
selector and sort, so it holds exactly the rows the user sees, on all pages. Cells are made
safe against spreadsheet formulas (:func:`csv_safe`; the XLSX writer keeps numbers and dates
typed, :func:`xlsx_cell`). A large register's export overrides ``export_rows`` to read
``values()`` rows (no model instance per row) and declares its columns with the getters of
``export.py`` (:func:`label_of`, :func:`person_of`, :func:`reference_of`, ...); what a join
cannot give is added a chunk at a time (:func:`in_chunks`). For a CSV that is not a list page, use
:func:`csv_response` or :func:`csv_lines` (``export.py``). Pages that only need a pager use
:func:`paginate` or :func:`page_context`.

**One record** — :class:`RecordMixin` (``records.py``): ``load(user, pk)`` calls the
selector's ``get``; a record out of reach is a 404 (never a 403: nothing leaks), and
``check(request)`` then refuses (403) what needs more than seeing it. Tabs stay in the one
page that has them (``inventory.views.SystemDetailView``).

**A form backed by a service** — :class:`ServiceFormMixin` (``forms.py``): ``make_form``,
``save`` (one service call), ``success_url``, ``success_message``. A refusal by the service
is put on the form with its HTTP status — 400 invalid, 403 forbidden (e.g. segregation of
duties), 409 wrong state — so the user reads why on the page they filled in and loses
nothing. Combine it with :class:`RecordMixin` for a form on one record::

    class RiskEditView(ServiceFormMixin, RiskMixin, View): ...

An edit form of a saved record carries the record's version (``aims.concurrency``): the
mixin adds the hidden field, runs the save locked at that version, and shows a record changed
since as a conflict (409) listing what changed, the user's input kept. A view that builds its
form by hand does the same with :func:`add_version` (on GET and POST), :func:`take_version`
and ``with editing(record, version):`` around the service call; ``apply_errors`` shows the
refusal.

The mixins give ``get``/``post``; the login and permission mixins give ``dispatch``. Put
them all before ``View``; a refused ``dispatch`` (login, 404, 403) stops the request before
any form or query runs. History pages name people through :func:`with_people`.
"""

from .export import (
    CHUNK_SIZE,
    Column,
    Echo,
    csv_lines,
    csv_response,
    csv_safe,
    in_chunks,
    label_of,
    moment,
    moment_of,
    person_fields,
    person_of,
    reference_of,
    value_of,
    xlsx_cell,
    xlsx_response,
)
from .forms import ServiceFormMixin, VersionField, add_version, editing, take_version
from .lists import (
    PAGE_SIZE,
    ListPageMixin,
    order_by_sort,
    order_list_by_sort,
    page_context,
    paginate,
    querystring_without_page,
)
from .people import with_people
from .records import RecordMixin

__all__ = [
    "CHUNK_SIZE",
    "PAGE_SIZE",
    "Column",
    "Echo",
    "ListPageMixin",
    "RecordMixin",
    "ServiceFormMixin",
    "VersionField",
    "add_version",
    "editing",
    "take_version",
    "csv_lines",
    "csv_response",
    "csv_safe",
    "in_chunks",
    "label_of",
    "moment",
    "moment_of",
    "person_fields",
    "person_of",
    "reference_of",
    "value_of",
    "order_by_sort",
    "order_list_by_sort",
    "page_context",
    "paginate",
    "querystring_without_page",
    "with_people",
    "xlsx_cell",
    "xlsx_response",
]
