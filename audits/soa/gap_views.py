"""Browser pages of the readiness gaps: the register (search, filters, sort, CSV and XLSX), one
gap with its assignment, the officer's assignment and the assignee's update. Thin: reads
through audits.soa.assignments.gap_rows / row_of, writes through gap_assign / gap_update."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.views import View

from aims.errors import BusinessRuleError
from aims.history_diff import record_history
from aims.permissions import has_global_perm
from aims.view_helpers import ListPageMixin
from aims.views import apply_errors

from . import assignments
from .assignments import SORTABLE, GapRow
from .forms import GapAssignForm, GapFilterForm, GapStatusForm
from .views import PermissionMixin

COLUMNS = [
    ("severity", "Severity"),
    ("record", "Record"),
    ("kind", "Gap"),
    ("owner", "Owner"),
    ("due", "Due"),
    ("status", "Status"),
]
EXPORT_COLUMNS = [
    ("Severity", lambda r: r.severity_label),
    ("Kind", lambda r: r.kind_label),
    ("Record", lambda r: r.record),
    ("What is wrong", lambda r: r.message),
    ("What to do next", lambda r: r.action),
    ("Owner", lambda r: r.owner_name),
    ("Due date", lambda r: r.due_date),
    ("Status", lambda r: r.status_label),
    ("Overdue", lambda r: r.overdue),
    ("Note", lambda r: r.note),
]


class GapRegisterView(PermissionMixin, ListPageMixin, View):
    """Every gap the user sees, joined with its assignment. The gaps are computed, so the
    rows are a list, sorted in Python through the same whitelist as a queryset would be."""

    template_name = "soa/gap_register.html"
    rows_name = "gaps"
    filter_form_class = GapFilterForm
    sortable, default_sort = SORTABLE, "severity"
    page_sizes = (50, 100, 200)
    export_columns = EXPORT_COLUMNS
    export_filename = "readiness-gaps.csv"

    def rows(self, filters):
        return assignments.gap_rows(user=self.request.user, filters=filters)

    def queryset(self, filters):
        # A page of the unfiltered register (or one kind or severity) reads its own rows;
        # a search or an assignment filter reads them all.
        register = assignments.gap_register(
            user=self.request.user, filters=filters, sort=self.get_sort()
        )
        return register if register is not None else super().queryset(filters)

    def extra_context(self, page):
        return {
            "columns": COLUMNS,
            "can_assign": assignments.can_assign_gap(self.request.user),
        }


class GapMixin(PermissionMixin):
    """The gap of the URL (kind and record), as the user sees it today: a gap they do not see,
    or that no longer exists, is a 404."""

    def dispatch(self, request, *args, **kwargs):
        # Login and permission first (a refused user learns nothing about the gap), then the
        # gap: a 404 when out of reach.
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not has_global_perm(request.user, self.permission):
            raise PermissionDenied
        row = assignments.row_of(user=request.user, kind=kwargs["kind"], record=kwargs["record"])
        if row is None:
            raise Http404
        self.row: GapRow = row
        return super().dispatch(request, *args, **kwargs)

    def render_page(self, status: int = 200, **forms):
        row, user = self.row, self.request.user
        can_assign = assignments.can_assign_gap(user)
        can_update = assignments.can_update_gap(user, row.assignment)
        assign_form = forms.get("assign_form")
        if can_assign and assign_form is None:
            initial = {}
            if row.assignment:
                initial = {
                    "owner": row.assignment.owner_id,
                    "due_date": row.assignment.due_date,
                    "note": row.assignment.note,
                }
            assign_form = GapAssignForm(initial=initial, prefix="assign")
        status_form = forms.get("status_form")
        if can_update and status_form is None:
            status_form = GapStatusForm(
                initial={"status": row.assignment.status, "note": row.assignment.note},
                prefix="status",
            )
        context = {
            "row": row,
            "assign_form": assign_form if can_assign else None,
            "status_form": status_form if can_update else None,
            "history": record_history(row.assignment) if row.assignment else [],
        }
        return render(self.request, "soa/gap_detail.html", context, status=status)

    def back(self) -> str:
        return self.row.detail_url

    def refused(self, form, exc, name: str):
        if getattr(exc, "status_code", None) == 403:
            raise PermissionDenied(exc.message) from exc
        fields = exc.extra.get("fields", {}) if isinstance(exc, BusinessRuleError) else {}
        if fields:
            for field, errors in fields.items():
                form.add_error(field if field in form.fields else None, errors)
            status = exc.status_code
        else:
            status = apply_errors(form, exc)
        return self.render_page(status, **{name: form})


class GapDetailView(GapMixin, View):
    def get(self, request, kind: str, record: str):
        return self.render_page()


class GapAssignView(GapMixin, View):
    """The officer's assignment: owner, due date and note."""

    permission = assignments.ASSIGN_PERM
    http_method_names = ["post"]

    def post(self, request, kind: str, record: str):
        form = GapAssignForm(request.POST, prefix="assign")
        if not form.is_valid():
            return self.render_page(400, assign_form=form)
        try:
            assignments.gap_assign(
                actor=request.user, kind=kind, record=record, **form.cleaned_data
            )
        except (ValidationError, BusinessRuleError) as exc:
            return self.refused(form, exc, "assign_form")
        messages.success(request, f"Gap on {record} assigned.")
        return HttpResponseRedirect(self.back())


class GapStatusView(GapMixin, View):
    """The assignee's (or an officer's) update: status and note."""

    http_method_names = ["post"]

    def post(self, request, kind: str, record: str):
        if not assignments.can_update_gap(request.user, self.row.assignment):
            raise PermissionDenied
        form = GapStatusForm(request.POST, prefix="status")
        if not form.is_valid():
            return self.render_page(400, status_form=form)
        try:
            assignments.gap_update(
                actor=request.user, assignment=self.row.assignment, **form.cleaned_data
            )
        except (ValidationError, BusinessRuleError) as exc:
            return self.refused(form, exc, "status_form")
        messages.success(request, f"Gap on {record} updated.")
        return HttpResponseRedirect(self.back())
