"""Browser pages of audit programmes, internal audits (checklist, findings). Thin: reads
through audits.internal_audits.selectors, writes through audits.internal_audits.services and
.findings. A record the user may not view is a 404; a write the user's role does not allow is
a 403; a refused rule is shown on the page with its reason."""

from operator import itemgetter

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from aims.capa import selectors as capa_selectors
from aims.capa import services as capa_services
from aims.errors import BusinessRuleError
from aims.history_diff import record_history
from aims.models import record_number
from aims.permissions import has_perm
from aims.view_helpers import (
    ListPageMixin,
    in_chunks,
    label_of,
    paginate,
    person_fields,
    person_of,
    reference_of,
    value_of,
)

from ..models import (
    AuditProgramme,
    ChecklistItem,
    Finding,
    InternalAudit,
)
from ..view_bases import ActionView, Base, FormPage, T, error_text
from . import findings as finding_services
from . import selectors, services
from .forms import (
    AuditFilterForm,
    AuditForm,
    ChecklistResultForm,
    FindingCapaForm,
    FindingFilterForm,
    FindingForm,
    ProgrammeForm,
    TransitionForm,
)

# --- Programmes -----------------------------------------------------------------------------


class ProgrammeMixin:
    def load(self, request, pk: int, **kwargs) -> None:
        try:
            self.programme = selectors.programme_get(user=request.user, pk=pk)
        except AuditProgramme.DoesNotExist:
            raise Http404 from None


class ProgrammeListView(Base):
    permission = "audits.view_auditprogramme"

    def get(self, request):
        page, qs = paginate(request, selectors.programme_list(user=request.user))
        return render(
            request,
            T + "programme_list.html",
            {
                "page_obj": page,
                "querystring_without_page": qs,
                "can_add": has_perm(request.user, "audits.add_auditprogramme"),
            },
        )


class ProgrammeDetailView(ProgrammeMixin, Base):
    def get(self, request, pk: int):
        audits = selectors.audit_list(user=request.user, filters={"programme": self.programme.pk})
        return render(
            request,
            T + "programme_detail.html",
            {
                "programme": self.programme,
                "audits": audits,
                "can_change": has_perm(request.user, "audits.change_auditprogramme"),
                "can_add_audit": has_perm(request.user, "audits.add_internalaudit"),
                "history": record_history(self.programme),
            },
        )


class ProgrammeCreateView(FormPage):
    permission = "audits.add_auditprogramme"
    template_name = T + "programme_form.html"

    def make_form(self, data=None):
        today = timezone.localdate()
        initial = {
            "title": f"Internal audit programme {today.year}",
            "period_start": today.replace(month=1, day=1),
            "period_end": today.replace(month=12, day=31),
            "owner": self.request.user.pk,
        }
        return ProgrammeForm(data, initial=initial)

    def save(self, form):
        programme = services.programme_save(
            actor=self.request.user, programme=AuditProgramme(), data=form.cleaned_data
        )
        messages.success(self.request, f"Programme '{programme.title}' created.")
        return reverse("internal_audits:programme_detail", args=[programme.pk])


class ProgrammeEditView(ProgrammeMixin, FormPage):
    permission = "audits.change_auditprogramme"
    template_name = T + "programme_form.html"

    def make_form(self, data=None):
        return ProgrammeForm(data, instance=self.programme)

    def context(self):
        return {"programme": self.programme}

    def save(self, form):
        original = AuditProgramme.objects.get(pk=self.programme.pk)
        services.programme_save(actor=self.request.user, programme=original, data=form.cleaned_data)
        messages.success(self.request, "Programme saved.")
        return reverse("internal_audits:programme_detail", args=[original.pk])


# --- Audits ---------------------------------------------------------------------------------


class AuditMixin:
    def load(self, request, pk: int, **kwargs) -> None:
        try:
            self.audit = selectors.audit_get(user=request.user, pk=pk)
        except InternalAudit.DoesNotExist:
            raise Http404 from None

    def back(self) -> str:
        return services.audit_url(self.audit)


class AuditListView(Base):
    permission = "audits.view_internalaudit"

    def get(self, request):
        form = AuditFilterForm(request.GET or None)
        filters = form.cleaned_data if form.is_valid() else {}
        page, qs = paginate(request, selectors.audit_list(user=request.user, filters=filters))
        return render(
            request,
            T + "audit_list.html",
            {
                "form": form,
                "page_obj": page,
                "querystring_without_page": qs,
                "can_add": has_perm(request.user, "audits.add_internalaudit"),
            },
        )


def _audit_data(form) -> dict:
    return dict(form.cleaned_data)


class AuditCreateView(FormPage):
    permission = "audits.add_internalaudit"
    template_name = T + "audit_form.html"

    def make_form(self, data=None):
        initial = {}
        programme = self.request.GET.get("programme", "")
        if record_number(programme) is not None:
            initial["programme"] = record_number(programme)
        return AuditForm(data, initial=initial)

    def save(self, form):
        audit = services.audit_save(
            actor=self.request.user, audit=InternalAudit(), data=_audit_data(form)
        )
        messages.success(
            self.request,
            f"{audit.reference} planned. Generate its checklist from the controls in scope.",
        )
        return services.audit_url(audit)


class AuditEditView(AuditMixin, FormPage):
    permission = "audits.change_internalaudit"
    template_name = T + "audit_form.html"

    def make_form(self, data=None):
        return AuditForm(data, instance=self.audit)

    def context(self):
        return {"audit": self.audit}

    def save(self, form):
        original = InternalAudit.objects.get(pk=self.audit.pk)
        services.audit_save(actor=self.request.user, audit=original, data=_audit_data(form))
        messages.success(self.request, f"{original.reference} saved.")
        return services.audit_url(original)


class AuditDetailView(AuditMixin, Base):
    def get(self, request, pk: int):
        audit, user = self.audit, request.user
        checklist = list(selectors.checklist_of(audit=audit))
        counts = selectors.checklist_result_counts(audit=audit)
        can_record = (
            has_perm(user, "audits.change_checklistitem") and audit.status in services.WORKING
        )
        findings = list(selectors.finding_list(user=user, filters={"audit": audit.pk}))
        can_change = has_perm(user, "audits.change_internalaudit")
        return render(
            request,
            T + "audit_detail.html",
            {
                "audit": audit,
                "checklist": checklist,
                "results": ChecklistItem.Result.choices,
                "counts": [(label, counts[value]) for value, label in ChecklistItem.Result.choices],
                "can_record": can_record,
                "auditors": services.auditors_of(audit),
                "findings": findings,
                "can_raise": has_perm(user, "audits.add_finding")
                and audit.status in services.WORKING,
                "can_change": can_change and audit.status != InternalAudit.Status.CLOSED,
                "can_generate": has_perm(user, "audits.add_checklistitem")
                and audit.status
                in (InternalAudit.Status.PLANNED, InternalAudit.Status.IN_PROGRESS),
                "transitions": services.available_transitions(actor=user, audit=audit),
                "draft_conclusion": request.session.pop(draft_conclusion_key(audit.pk), ""),
                "close_blockers": services.close_blockers(audit)
                if audit.status == InternalAudit.Status.REPORTING
                else [],
                "start_blockers": services.start_blockers(audit)
                if audit.status == InternalAudit.Status.PLANNED
                else [],
                "evidence_list": audit.evidence.select_related("owner"),
                "can_attach": has_perm(user, "aims.add_evidence") and can_change,
                "history": record_history(audit),
            },
        )


class AuditGenerateChecklistView(AuditMixin, ActionView):
    def perform(self, request) -> str:
        change = services.checklist_generate(actor=request.user, audit=self.audit)
        text = f"Checklist: {change.added} item{'s' if change.added != 1 else ''} added"
        if change.removed:
            text += f", {change.removed} unassessed item(s) out of scope removed"
        return text + f", {change.kept} kept with their results."


def draft_conclusion_key(audit_pk: int) -> str:
    return f"audit-{audit_pk}-draft-conclusion"


class AuditTransitionView(AuditMixin, ActionView):
    def perform(self, request) -> str:
        action = self.kwargs["action"]
        form = TransitionForm(request.POST)
        note = form.cleaned_data["note"] if form.is_valid() else ""
        try:
            audit = services.audit_transition(
                actor=request.user, audit=self.audit, action=action, note=note
            )
        except BusinessRuleError:
            if note:  # a refused close keeps the conclusion typed for the next attempt
                request.session[draft_conclusion_key(self.audit.pk)] = note
            raise
        return f"{audit.reference}: {audit.get_status_display().lower()}."


class ChecklistRecordView(Base):
    """Record the result of one checklist item; with htmx, answer the updated row only."""

    http_method_names = ["post"]

    def load(self, request, pk: int, **kwargs) -> None:
        try:
            self.item = selectors.checklist_item_list(user=request.user).get(pk=pk)
        except ChecklistItem.DoesNotExist:
            raise Http404 from None

    def post(self, request, pk: int):
        form = ChecklistResultForm(request.POST)
        error, status = "", 200
        if not form.is_valid():
            error, status = "Choose a result.", 400
        else:
            try:
                self.item = services.checklist_record(
                    actor=request.user, checklist_item=self.item, **form.cleaned_data
                )
            except (ValidationError, BusinessRuleError) as exc:
                if isinstance(exc, BusinessRuleError) and exc.status_code == 403:
                    raise PermissionDenied(exc.message) from exc
                error = error_text(exc)
                status = getattr(exc, "status_code", 400)
        if request.headers.get("HX-Request"):
            item = selectors.checklist_item_list(user=request.user).get(pk=pk)
            if error:  # show what was typed, with the reason it was refused
                item.result = request.POST.get("result", item.result)
                item.notes = request.POST.get("notes", item.notes)
                chosen = request.POST.get("assessed_by", "")
                item.assessed_by_id = int(chosen) if chosen.isdigit() else item.assessed_by_id
            return render(
                request,
                T + "_checklist_row.html",
                {
                    "c": item,
                    "results": ChecklistItem.Result.choices,
                    "can_record": True,
                    "auditors": services.auditors_of(item.audit),
                    "can_raise": has_perm(request.user, "audits.add_finding"),
                    "row_error": error,
                    "saved": not error,
                },
                status=status if error else 200,
            )
        if error:
            messages.error(request, f"{self.item.item.code}: {error}")
        else:
            messages.success(request, f"{self.item.item.code}: {self.item.get_result_display()}.")
        response = HttpResponseRedirect(
            services.audit_url(self.item.audit) + f"#item-{self.item.pk}"
        )
        if error:
            response["X-Refused"] = str(status)
        return response


# --- Findings -------------------------------------------------------------------------------


class FindingMixin:
    def load(self, request, pk: int, **kwargs) -> None:
        try:
            self.finding = selectors.finding_get(user=request.user, pk=pk)
        except Finding.DoesNotExist:
            raise Http404 from None

    def back(self) -> str:
        return services.finding_url(self.finding)


def _with_controls(chunk: list[dict]) -> None:
    codes = selectors.finding_control_codes([row["id"] for row in chunk])
    for row in chunk:
        row["controls"] = ", ".join(codes[row["id"]])


# The export reads plain rows (``values()``, joined to the people; the controls a chunk at a
# time): a streamed export of every finding builds no model instance per row.
FINDING_EXPORT = [
    ("Reference", reference_of(Finding)),
    ("Title", value_of("title")),
    ("Kind", label_of(Finding, "kind")),
    ("Audit", reference_of(InternalAudit, "audit_id")),
    ("Controls", itemgetter("controls")),
    ("Status", label_of(Finding, "status")),
    ("Owner", person_of("owner")),
    ("Due date", value_of("due_date")),
    ("Raised by", person_of("raised_by")),
    ("Raised on", value_of("created_at")),
    ("Description", value_of("description")),
]
FINDING_EXPORT_FIELDS = (
    "id",
    "title",
    "kind",
    "audit_id",
    "status",
    *person_fields("owner"),
    "due_date",
    *person_fields("raised_by"),
    "created_at",
    "description",
)


class FindingListView(ListPageMixin, Base):
    """The findings register: search, filters (kind, status, owner, overdue), sortable
    columns, pages, and the same list as CSV or XLSX."""

    permission = "audits.view_finding"
    template_name = T + "finding_list.html"
    rows_name = "findings"
    filter_form_class = FindingFilterForm
    sortable, default_sort = selectors.FINDING_SORTABLE, "-raised"
    page_sizes = (25, 50, 100)
    export_columns = FINDING_EXPORT
    export_filename = "audit-findings.csv"

    def rows(self, filters):
        return selectors.finding_list(user=self.request.user, filters=filters)

    def export_rows(self, rows):
        return in_chunks(rows.values(*FINDING_EXPORT_FIELDS), _with_controls)

    def extra_context(self, page):
        return {
            "columns": [
                ("reference", "Ref."),
                ("title", "Title"),
                ("kind", "Kind"),
                ("audit", "Audit"),
                ("owner", "Owner"),
                ("due", "Due"),
                ("status", "Status"),
                ("raised", "Raised"),
            ],
        }


class FindingCreateView(AuditMixin, FormPage):
    permission = "audits.add_finding"
    template_name = T + "finding_form.html"

    def make_form(self, data=None):
        initial = {}
        item = self.request.GET.get("item", "")
        if item.isdigit():
            initial["checklist_item"] = int(item)
            result = self.audit.checklist.filter(pk=int(item)).values_list("result", flat=True)
            if list(result) == [ChecklistItem.Result.NONCONFORMING]:
                initial["kind"] = Finding.Kind.MINOR
            elif list(result) == [ChecklistItem.Result.OBSERVATION]:
                initial["kind"] = Finding.Kind.OBSERVATION
        return FindingForm(data, audit=self.audit, initial=initial)

    def context(self):
        return {"audit": self.audit}

    def save(self, form):
        finding = finding_services.finding_raise(
            actor=self.request.user, audit=self.audit, **form.cleaned_data
        )
        text = f"{finding.reference} raised."
        if finding.is_nonconformity:
            text += " A nonconformity needs a corrective action: open one below."
        messages.success(self.request, text)
        return services.finding_url(finding)


class FindingEditView(FindingMixin, FormPage):
    permission = "audits.change_finding"
    template_name = T + "finding_form.html"

    def make_form(self, data=None):
        return FindingForm(data, audit=self.finding.audit, instance=self.finding, with_item=False)

    def context(self):
        return {"audit": self.finding.audit, "finding": self.finding}

    def save(self, form):
        finding_services.finding_update(
            actor=self.request.user, finding=self.finding, data=form.cleaned_data
        )
        messages.success(self.request, f"{self.finding.reference} saved.")
        return services.finding_url(self.finding)


class FindingDetailView(FindingMixin, Base):
    def get(self, request, pk: int):
        finding, user = self.finding, request.user
        capas = [
            (capa, capa_services.capa_url(capa)) for capa in capa_selectors.capas_of(source=finding)
        ]
        is_open = finding.status == Finding.Status.OPEN
        can_change = has_perm(user, "audits.change_finding") and is_open
        return render(
            request,
            T + "finding_detail.html",
            {
                "finding": finding,
                "audit": finding.audit,
                "capas": capas,
                "overdue": finding.is_overdue(),
                # Once the audit is closed, only the owner and due date change (the form
                # shows the rest read-only).
                "can_change": can_change,
                "can_close": can_change,
                "close_blockers": finding_services.finding_close_blockers(finding)
                if is_open
                else [],
                "can_open_capa": is_open
                and finding.is_nonconformity
                and has_perm(user, "aims.add_correctiveaction")
                and has_perm(user, "audits.change_internalaudit"),
                "evidence_list": finding.evidence.select_related("owner"),
                "can_attach": has_perm(user, "aims.add_evidence")
                and has_perm(user, "audits.change_internalaudit"),
                "history": record_history(finding),
            },
        )


class FindingCapaView(FindingMixin, FormPage):
    """The "Open corrective action" form of a nonconformity, pre-filled from the finding."""

    template_name = T + "finding_capa_form.html"

    def load(self, request, pk: int, **kwargs) -> None:
        super().load(request, pk)
        if not (
            has_perm(request.user, "aims.add_correctiveaction")
            and has_perm(request.user, "audits.change_internalaudit")
        ):
            raise PermissionDenied

    def make_form(self, data=None):
        defaults = finding_services.default_capa_text(self.finding)
        return FindingCapaForm(data, initial=defaults)

    def context(self):
        return {"finding": self.finding}

    def save(self, form):
        capa = finding_services.finding_open_capa(
            actor=self.request.user, finding=self.finding, **form.cleaned_data
        )
        messages.success(self.request, f"{capa.reference} opened on {self.finding.reference}.")
        return services.finding_url(self.finding)


class FindingCloseView(FindingMixin, ActionView):
    def perform(self, request) -> str:
        finding = finding_services.finding_close(actor=request.user, finding=self.finding)
        return f"{finding.reference} closed."
