"""Browser pages of corrective actions (CAPA): the register, one action, its status actions
and the independent verification. Thin: aims.capa.selectors and aims.capa.services."""

from operator import itemgetter

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views import View

from aims.capa import selectors as capa_selectors
from aims.capa import services as capa_services
from aims.errors import BusinessRuleError, RuleForbidden
from aims.evidence.selectors import record_names
from aims.forms import BootstrapFormMixin
from aims.models import CorrectiveAction
from aims.view_helpers import (
    ListPageMixin,
    RecordMixin,
    in_chunks,
    label_of,
    moment_of,
    person_fields,
    person_of,
    reference_of,
    value_of,
)
from aims.views import apply_errors


class CapaVerifyForm(BootstrapFormMixin, forms.Form):
    effective = forms.TypedChoiceField(
        label="Outcome",
        choices=[("yes", "Effective: the cause is removed"), ("no", "Not effective: more work")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    notes = forms.CharField(
        label="How effectiveness was checked", widget=forms.Textarea, max_length=5000
    )
    evidence_file = forms.FileField(label="Evidence file", required=False)
    evidence_url = forms.URLField(
        label="Or a link to the evidence", required=False, assume_scheme="https"
    )


def source_label(content_type) -> str:
    """A record type in words ("Incident", "Audit finding")."""
    model = content_type.model_class()
    name = str(model._meta.verbose_name if model else content_type.model)
    return name[:1].upper() + name[1:]


class CapaFilterForm(BootstrapFormMixin, forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=200)
    status = forms.ChoiceField(
        required=False, choices=[("", "Any status"), *CorrectiveAction.Status.choices]
    )
    source_type = forms.ChoiceField(label="Opened on", required=False)
    overdue = forms.BooleanField(label="Overdue", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source_type"].choices = [
            ("", "Any record"),
            *(
                (f"{ct.app_label}.{ct.model}", source_label(ct))
                for ct in capa_selectors.capa_source_types()
            ),
        ]


def _complete(chunk: list[dict]) -> None:
    """What each row of the export was opened on, in words: one query per record type."""
    names = record_names((row["source_type_id"], row["source_id"]) for row in chunk)
    for row in chunk:
        key = (row["source_type_id"], row["source_id"])
        label = source_label(ContentType.objects.get_for_id(key[0]))
        name = names.get(key)
        row["opened_on"] = "(removed)" if name is None else f"{label} {name}"


# The export reads plain rows (``values()``, joined to the people; the source records a chunk
# at a time): a streamed export of every action builds no model instance per row.
EXPORT_COLUMNS = [
    ("Reference", reference_of(CorrectiveAction)),
    ("Title", value_of("title")),
    ("Status", label_of(CorrectiveAction, "status")),
    ("Opened on", itemgetter("opened_on")),
    ("Owner", person_of("owner")),
    ("Due date", moment_of("due_date")),
    ("Opened at", moment_of("created_at")),
    ("Implemented at", moment_of("implemented_at")),
    ("Verified by", person_of("verified_by")),
    ("Verified at", moment_of("verified_at")),
    ("Closed at", moment_of("closed_at")),
    ("Nonconformity", value_of("nonconformity")),
    ("Root cause", value_of("root_cause")),
    ("Action plan", value_of("action_plan")),
]
EXPORT_FIELDS = (
    "id",
    "title",
    "status",
    "source_type_id",
    "source_id",
    *person_fields("owner"),
    "due_date",
    "created_at",
    "implemented_at",
    *person_fields("verified_by"),
    "verified_at",
    "closed_at",
    "nonconformity",
    "root_cause",
    "action_plan",
)

CAPA_COLUMNS = [
    ("reference", "Ref."),
    ("title", "Title"),
    ("source", "Opened on"),
    ("owner", "Owner"),
    ("due", "Due"),
    ("status", "Status"),
]


class CapaListView(LoginRequiredMixin, ListPageMixin, View):
    """The corrective actions the user may see; with ``export="csv"`` or ``"xlsx"`` the file
    of the same filtered actions, every page of them."""

    template_name = "aims/capa_list.html"
    rows_name = "capas"
    filter_form_class = CapaFilterForm
    sortable, default_sort = capa_selectors.SORTABLE, "-reference"
    export_columns = EXPORT_COLUMNS
    export_filename = "corrective-actions.csv"

    def rows(self, filters):
        # The source records are read once per record type on the page.
        rows = capa_selectors.capa_list(user=self.request.user, filters=filters)
        return rows if self.export else rows.prefetch_related("source")

    def export_rows(self, rows):
        return in_chunks(rows.values(*EXPORT_FIELDS), _complete)

    def extra_context(self, page) -> dict:
        return {"columns": CAPA_COLUMNS}


class CapaMixin(RecordMixin):
    record_attr = "capa"

    def load(self, user, pk):
        return capa_selectors.capa_get(user=user, pk=pk)

    def detail_url(self) -> str:
        return reverse("capa:capa_detail", args=[self.capa.pk])


class CapaDetailView(CapaMixin, View):
    def get(self, request, pk: int):
        capa, user = self.capa, request.user
        source = capa.source
        refusal = capa_services.verification_refusal(user, capa)
        return render(
            request,
            "aims/capa_detail.html",
            {
                "capa": capa,
                "source": source,
                "source_url": getattr(source, "get_absolute_url", lambda: "")(),
                "actions": capa_services.available_actions(actor=user, capa=capa),
                "can_verify": refusal is None,
                # A verifier kept out by segregation of duties is told why, not just left
                # without a button.
                "verify_refusal": refusal
                if refusal is not None and refusal.code == "segregation_of_duties"
                else None,
                "evidence_list": capa.evidence.select_related("owner"),
                "history": capa.history.select_related("history_user").order_by("-history_id"),
            },
        )


class CapaTransitionView(CapaMixin, View):
    def post(self, request, pk: int, action: str):
        try:
            capa_services.capa_transition(actor=request.user, capa=self.capa, action=action)
        except BusinessRuleError as exc:
            if exc.status_code == 403:
                raise PermissionDenied(exc.message) from exc
            messages.error(request, exc.message)
        else:
            label = capa_services.TRANSITIONS[action].label
            messages.success(request, f"{self.capa.reference}: {label.lower()} — done.")
        return HttpResponseRedirect(self.detail_url())


class CapaVerifyView(CapaMixin, View):
    template_name = "aims/capa_verify.html"

    def check(self, request) -> None:
        # The service's own rule, before a form is offered that it would refuse.
        refusal = capa_services.verification_refusal(request.user, self.capa)
        if isinstance(refusal, RuleForbidden):
            raise PermissionDenied(refusal.message)

    def get(self, request, pk: int):
        self.check(request)
        return render(request, self.template_name, {"capa": self.capa, "form": CapaVerifyForm()})

    def post(self, request, pk: int):
        self.check(request)
        form = CapaVerifyForm(request.POST, request.FILES)
        status = 400
        if form.is_valid():
            try:
                capa = capa_services.capa_verify(
                    actor=request.user, capa=self.capa, **form.cleaned_data
                )
            except (ValidationError, BusinessRuleError) as exc:
                if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
                    renamed = {"file": "evidence_file", "url": "evidence_url"}
                    exc = ValidationError(
                        {renamed.get(k, k): v for k, v in exc.message_dict.items()}
                    )
                status = apply_errors(form, exc)
            else:
                messages.success(request, f"{capa.reference}: {capa.get_status_display()}.")
                return HttpResponseRedirect(self.detail_url())
        return render(request, self.template_name, {"capa": self.capa, "form": form}, status=status)
