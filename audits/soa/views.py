"""Browser pages of the catalogue, the Statement of Applicability, its versions and
readiness. Thin: reads through audits.soa.selectors / readiness / gaps, writes through
audits.soa.services."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from aims.errors import BusinessRuleError
from aims.history_diff import record_history
from aims.permissions import has_global_perm
from aims.view_helpers import (
    ServiceFormMixin,
    add_version,
    editing,
    page_context,
    paginate,
    take_version,
)
from aims.view_helpers.export import csv_lines
from aims.views import apply_errors
from risk.selectors import risk_list, visible_systems

from ..iso27001.selectors import reviewed_mappings_of_item
from ..models import ControlStatement, SoAVersion
from . import selectors, services
from .forms import StatementFilterForm, StatementForm, VersionApproveForm
from .readiness import readiness, readiness_of

PAGE_SIZE = 50


class PermissionMixin(LoginRequiredMixin):
    """Anonymous users go to the login page; logged-in users without ``permission`` get a
    403 (the SoA is AIMS-wide: there is no record to hide)."""

    permission = selectors.VIEW_STATEMENTS

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not has_global_perm(request.user, self.permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def csv_response(rows, filename: str) -> StreamingHttpResponse:
    """The SoA's rows (header first) as a CSV attachment, through the core's safe writer."""
    response = StreamingHttpResponse(csv_lines(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- The catalogue and SoA ---------------------------------------------------------------


class StatementListView(PermissionMixin, View):
    def get(self, request):
        form = StatementFilterForm(request.GET or None)
        filters = form.cleaned_data if form.is_valid() else {}
        statements = selectors.statement_list(user=request.user, filters=filters)
        page, query = paginate(request, statements, PAGE_SIZE)
        states = readiness_of(list(page.object_list))
        return render(
            request,
            "soa/statement_list.html",
            {
                "form": form,
                "page_obj": page,
                "rows": [(s, states[s.pk]) for s in page.object_list],
                "querystring_without_page": query,
                "can_view_versions": selectors.can_view_versions(request.user),
            },
        )


class StatementExportView(PermissionMixin, View):
    """The live SoA (every Annex A control) as CSV."""

    def get(self, request):
        rows = services.soa_csv_rows(services.soa_rows())
        return csv_response(rows, f"soa-{timezone.localdate():%Y-%m-%d}.csv")


class StatementMixin(PermissionMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and has_global_perm(request.user, self.permission):
            try:
                self.statement = selectors.statement_get(user=request.user, pk=kwargs["pk"])
            except ControlStatement.DoesNotExist:
                raise Http404 from None
        return super().dispatch(request, *args, **kwargs)

    def detail_url(self) -> str:
        return reverse("soa:statement_detail", args=[self.statement.pk])

    def page_context(self, form=None) -> dict:
        statement, user = self.statement, self.request.user
        can_edit = services.can_edit_statements(user)
        if can_edit and form is None:
            form = StatementForm(instance=statement)
            add_version(form, statement)
        state = readiness_of([statement])[statement.pk]
        evidence = list(
            services.current_evidence([statement.pk])
            .select_related("owner")
            .order_by("-created_at", "-id")
        )
        today = timezone.localdate()
        return {
            "statement": statement,
            "item": statement.item,
            "state": state,
            "crosswalks": statement.item.crosswalks.all(),
            "evidence_rows": [
                (
                    e,
                    (e.valid_from is None or e.valid_from <= today)
                    and (e.valid_until is None or e.valid_until >= today),
                )
                for e in evidence
            ],
            "systems": statement.systems.filter(pk__in=visible_systems(user).values("pk")).order_by(
                "id"
            ),
            "risks": statement.risks.filter(pk__in=risk_list(user=user).values("pk"))
            .select_related("system")
            .order_by("id"),
            "can_edit": can_edit,
            "form": form if can_edit else None,
            "attach_url": reverse(
                "aims:evidence_attach", args=["audits.controlstatement", statement.pk]
            )
            + f"?next={self.detail_url()}",
            "history": record_history(statement),
            "security_mappings": (
                list(reviewed_mappings_of_item(statement.item))
                if has_global_perm(user, "audits.view_controlmapping")
                else None
            ),
        }


class StatementDetailView(StatementMixin, View):
    def get(self, request, pk: int):
        return render(request, "soa/statement_detail.html", self.page_context())


class StatementEditView(StatementMixin, View):
    """The officer's edit of a statement (also offered inline on the detail page)."""

    permission = services.CHANGE_PERM
    template_name = "soa/statement_form.html"

    def get(self, request, pk: int):
        return render(request, self.template_name, self.page_context())

    def post(self, request, pk: int):
        form = StatementForm(request.POST, instance=self.statement)
        add_version(form, self.statement)
        status = 400
        if form.is_valid():
            version = take_version(form)
            data = {f: form.cleaned_data[f] for f in form.changed_data if f in form.cleaned_data}
            try:
                # Checked even when nothing changed: "nothing changed" must not hide that
                # someone else changed the statement since the form was loaded.
                with editing(self.statement, version):
                    if data:
                        services.statement_update(
                            actor=request.user, statement=self.statement, data=data
                        )
            except (ValidationError, BusinessRuleError) as exc:
                status = apply_errors(form, exc)
            else:
                if not data:
                    messages.info(request, "Nothing changed.")
                else:
                    messages.success(request, f"Statement of {self.statement.item.code} saved.")
                return HttpResponseRedirect(self.detail_url())
        # The form's instance holds the refused input; show the saved statement beside it.
        self.statement = selectors.statement_get(user=request.user, pk=pk)
        return render(request, self.template_name, self.page_context(form), status=status)


# --- Readiness and gaps ------------------------------------------------------------------


class ReadinessView(PermissionMixin, View):
    """The summary: readiness figures, how the gaps are being worked, and the gaps to fix
    first. The full list, with owners and due dates, is the register (gap_views)."""

    top = 10

    def get(self, request):
        from .assignments import gap_overview

        state = readiness()
        overview = gap_overview(user=request.user, top=self.top, today=state.today, state=state)
        return render(
            request,
            "soa/readiness.html",
            {
                "state": state,
                "clause_part": state.part("clause"),
                "control_part": state.part("control"),
                "top_gaps": overview.top,
                "figures": overview.figures,
            },
        )


# --- SoA versions ------------------------------------------------------------------------


class VersionMixin(PermissionMixin):
    permission = selectors.VIEW_VERSIONS

    def version(self, number) -> SoAVersion:
        try:
            return selectors.version_get(user=self.request.user, number=number)
        except SoAVersion.DoesNotExist:
            raise Http404 from None


class VersionListView(VersionMixin, View):
    def get(self, request):
        versions = selectors.version_list(user=request.user)
        return render(
            request,
            "soa/version_list.html",
            {
                **page_context(request, versions, rows_name="versions"),
                "can_approve": services.can_approve_versions(request.user),
            },
        )


class VersionApproveView(ServiceFormMixin, VersionMixin, View):
    """Shows what changed since the last approved version, then approves the live SoA."""

    permission = services.APPROVE_PERM
    template_name = "soa/version_approve.html"

    def context(self) -> dict:
        latest = selectors.version_list(user=self.request.user).first()
        live = services.soa_rows()
        return {
            "latest": latest,
            "comparison": services.soa_compare(latest.rows, live) if latest else None,
            "labels": (f"version {latest.number}", "the current SoA") if latest else None,
            "row_count": len(live),
            "refusal": services.own_changes_refusal(self.request.user, latest),
        }

    def make_form(self, data=None):
        return VersionApproveForm(data)

    def save(self, form) -> str:
        version = services.soa_version_approve(
            actor=self.request.user, note=form.cleaned_data["note"]
        )
        messages.success(self.request, f"SoA version {version.number} approved.")
        return reverse("soa:version_detail", args=[version.number])


class VersionDetailView(VersionMixin, View):
    def get(self, request, number: int):
        version = self.version(number)
        rows = [
            {
                **row,
                "status_label": services.display(
                    "implementation_status", row.get("implementation_status")
                ),
            }
            for row in version.rows
        ]
        return render(request, "soa/version_detail.html", {"version": version, "rows": rows})


class VersionExportView(VersionMixin, View):
    def get(self, request, number: int):
        version = self.version(number)
        return csv_response(services.soa_csv_rows(version.rows), f"soa-v{version.number}.csv")


class VersionCompareView(VersionMixin, View):
    """Compare two versions, or a version with the live SoA (``current``)."""

    def get(self, request):
        versions = list(
            selectors.version_list(user=request.user)
            .select_related(None)
            .only("number", "approved_at")
        )
        numbers = {str(v.number): v for v in versions}
        choices = [("current", "The current SoA (not approved)")] + [
            (str(v.number), f"Version {v.number} ({v.approved_at:%d %b %Y})") for v in versions
        ]
        a = request.GET.get("a") or (str(versions[1].number) if len(versions) > 1 else "")
        b = request.GET.get("b") or (str(versions[0].number) if versions else "current")
        context = {"choices": choices, "a": a, "b": b, "comparison": None, "error": ""}
        if a and b:
            sides = []
            for choice in (a, b):
                if choice == "current":
                    sides.append(("the current SoA", services.soa_rows()))
                elif choice in numbers:
                    version = SoAVersion.objects.only("rows").get(number=int(choice))
                    sides.append((f"version {choice}", version.rows))
            if len(sides) == 2:
                context["labels"] = (sides[0][0], sides[1][0])
                context["comparison"] = services.soa_compare(sides[0][1], sides[1][1])
            else:
                context["error"] = "Choose two versions that exist."
        status = 400 if context["error"] else 200
        return render(request, "soa/version_compare.html", context, status=status)
