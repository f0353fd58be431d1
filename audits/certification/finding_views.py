"""Browser pages of the certification body's findings: the register, a finding with its
corrective action, responses and history, recording and editing a finding, sending a response
and the body's decision (close, reopen). Thin: reads through finding_selectors, writes through
findings; what is offered comes from the same refusal predicates the services enforce."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from aims.capa.services import capa_url
from aims.history_diff import record_history
from aims.people import display_name
from aims.permissions import has_perm
from aims.view_helpers import ListPageMixin

from ..models import ExternalAudit, ExternalFinding
from ..view_bases import ActionView, Base, FormPage
from . import finding_selectors as selectors
from . import findings as services
from .finding_forms import FindingFilterForm, FindingForm, NoteForm, ResponseForm

T = "certification/"


def _clauses(finding: ExternalFinding) -> str:
    return ", ".join(c.code for c in finding.clauses.all())


EXPORT = [
    ("Reference", lambda f: f.reference),
    ("Title", lambda f: f.title),
    ("Kind", lambda f: f.get_kind_display()),
    ("Body", lambda f: f.audit.body.name),
    ("Audit", lambda f: f.audit.reference),
    ("Clauses", _clauses),
    ("Status", lambda f: f.get_status_display()),
    ("Owner", lambda f: display_name(f.owner) if f.owner else ""),
    ("Response due", lambda f: f.response_due),
    ("Overdue", lambda f: "yes" if f.is_overdue() else ""),
    ("Escalated at", lambda f: f.escalated_at),
    ("Corrective action", lambda f: f.corrective_action.reference if f.corrective_action else ""),
    ("Responses", lambda f: f.response_count),
    ("Recorded on", lambda f: f.created_at),
    ("Description", lambda f: f.description),
]


def _why_not(refusal) -> str:
    return refusal.message if refusal is not None else ""


class FindingMixin:
    def load(self, request, pk: int, **kwargs) -> None:
        try:
            self.finding = selectors.finding_get(user=request.user, pk=pk)
        except ExternalFinding.DoesNotExist:
            raise Http404 from None

    def back(self) -> str:
        return services.finding_url(self.finding)


class FindingListView(ListPageMixin, Base):
    """The register of the body's findings: search, filters (kind, status, audit, clause,
    overdue), sortable columns, pages, and the same list as CSV or XLSX. An owner sees the
    findings they own."""

    template_name = T + "finding_list.html"
    rows_name = "findings"
    filter_form_class = FindingFilterForm
    sortable, default_sort = selectors.SORTABLE, "-raised"
    page_sizes = (25, 50, 100)
    export_columns = EXPORT
    export_filename = "certification-findings.csv"

    def get_filter_form(self):
        return FindingFilterForm(self.request.GET or None, user=self.request.user)

    def rows(self, filters):
        return selectors.finding_list(user=self.request.user, filters=filters)

    def extra_context(self, page):
        return {
            "columns": [
                ("reference", "Ref."),
                ("title", "Title"),
                ("kind", "Kind"),
                ("audit", "Audit"),
                ("owner", "Owner"),
                ("due", "Response due"),
                ("status", "Status"),
                ("raised", "Recorded"),
            ],
            "today": timezone.localdate(),
        }


class FindingDetailView(FindingMixin, Base):
    def get(self, request, pk: int):
        finding, user = self.finding, request.user
        capa = finding.corrective_action
        if capa is not None:
            from aims.visibility import can

            capa_link = capa_url(capa) if can(user, "view", capa) else ""
        else:
            capa_link = ""
        return render(
            request,
            T + "finding_detail.html",
            {
                "finding": finding,
                "audit": finding.audit,
                "overdue": finding.is_overdue(),
                "capa": capa,
                "capa_link": capa_link,
                "responses": selectors.responses_of(user=user, finding=finding),
                "actions": services.available_actions(user, finding),
                # Why an officer is not offered the close yet (the same predicate).
                "close_refusal": _why_not(services.close_refusal(user, finding))
                if has_perm(user, services.CHANGE) and finding.status == services.Status.OPEN
                else "",
                "history": record_history(finding),
            },
        )


class FindingCreateView(FormPage):
    """Record a finding of the body on one of its audits."""

    template_name = T + "finding_form.html"

    def load(self, request, audit_pk: int, **kwargs) -> None:
        try:
            self.audit = (
                ExternalAudit.objects.restrict(request.user, "view")
                .select_related("body")
                .get(pk=audit_pk)
            )
        except ExternalAudit.DoesNotExist:
            raise Http404 from None
        if not has_perm(request.user, services.ADD):
            raise PermissionDenied

    def make_form(self, data=None):
        return FindingForm(data, audit=self.audit)

    def context(self):
        refusal = services.record_refusal(self.request.user, self.audit)
        return {"audit": self.audit, "refusal": refusal.message if refusal else ""}

    def save(self, form):
        finding = services.record_finding(
            audit=self.audit, actor=self.request.user, **form.cleaned_data
        )
        text = f"{finding.reference} recorded."
        if finding.corrective_action_id:
            text += f" Corrective action {finding.corrective_action.reference} opened."
        messages.success(self.request, text)
        return services.finding_url(finding)


class FindingEditView(FindingMixin, FormPage):
    template_name = T + "finding_form.html"
    permission = services.CHANGE

    def make_form(self, data=None):
        return FindingForm(data, audit=self.finding.audit, instance=self.finding)

    def context(self):
        return {"audit": self.finding.audit, "finding": self.finding}

    def save(self, form):
        original = ExternalFinding.objects.get(pk=self.finding.pk)
        services.update_finding(finding=original, actor=self.request.user, data=form.cleaned_data)
        messages.success(self.request, f"{original.reference} saved.")
        return services.finding_url(original)


class FindingRespondView(FindingMixin, FormPage):
    """The response sent to the body: by an officer, or by the finding's owner."""

    template_name = T + "finding_response_form.html"

    def load(self, request, pk: int, **kwargs) -> None:
        super().load(request, pk)
        if not services.can_respond_as(request.user, self.finding):
            raise PermissionDenied

    def make_form(self, data=None):
        if data is None:
            return ResponseForm(initial={"sent_on": timezone.localdate()})
        return ResponseForm(data, self.request.FILES)

    def context(self):
        refusal = services.respond_refusal(self.request.user, self.finding)
        return {"finding": self.finding, "refusal": refusal.message if refusal else ""}

    def save(self, form):
        services.send_response(finding=self.finding, actor=self.request.user, **form.cleaned_data)
        messages.success(self.request, f"Response to {self.finding.reference} recorded.")
        return services.finding_url(self.finding)


class FindingCloseView(FindingMixin, ActionView):
    def perform(self, request) -> str:
        form = NoteForm(request.POST)
        note = form.cleaned_data["note"] if form.is_valid() else ""
        finding = services.close_finding(finding=self.finding, actor=request.user, note=note)
        return f"{finding.reference} closed: the body accepted it."


class FindingReopenView(FindingMixin, ActionView):
    def perform(self, request) -> str:
        form = NoteForm(request.POST)
        note = form.cleaned_data["note"] if form.is_valid() else ""
        finding = services.reopen_finding(finding=self.finding, actor=request.user, note=note)
        return f"{finding.reference} reopened."
