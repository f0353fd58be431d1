"""The evidence library's browser pages (EVD-): every file or link the user may see, one
piece of evidence with its SHA-256 and version chain, and "replace" that makes a new version.
Thin: reads through aims.evidence.selectors, writes through aims.evidence.services.

Also the download of one piece of evidence and the form that attaches evidence to any
registered record (aims:evidence_download, aims:evidence_attach, mounted by aims.web_urls).
"""

import copy
from dataclasses import dataclass
from operator import itemgetter

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views import View
from django.views.generic import FormView

from aims.errors import BusinessRuleError
from aims.evidence.forms import EvidenceForm
from aims.evidence.registry import attachable_model
from aims.evidence.selectors import (
    VALIDITY_CHOICES,
    evidence_library_get,
    evidence_library_list,
    evidence_target_types,
    evidence_targets,
    record_names,
    version_chain,
)
from aims.evidence.services import evidence_create, evidence_replace
from aims.forms import BootstrapFormMixin, DateInput
from aims.models import Evidence
from aims.permissions import can_change_record, can_view_record, has_perm
from aims.view_helpers import (
    ListPageMixin,
    ServiceFormMixin,
    in_chunks,
    label_of,
    moment_of,
    person_fields,
    person_of,
    reference_of,
    value_of,
)
from aims.views import apply_errors, safe_next
from aims.visibility import parent_field

User = get_user_model()
ROUTES = {
    "inventory.aisystem": "inventory:system_detail",
    "aims.correctiveaction": "capa:capa_detail",
}


def target_url(target: Model | None) -> str:
    """A page for the record evidence proves: its own page, else its nearest parent's with
    one (an AI system for the records under it). Parents are followed by their ids only, so
    a list of rows costs no query."""
    obj = target
    for _ in range(10):
        if obj is None:
            return ""
        label = obj._meta.label_lower
        try:
            if hasattr(obj, "get_absolute_url"):
                return obj.get_absolute_url()
            if label == "aims.trainingrecord":
                return reverse("competence:person_training", args=[obj.user_id])
            if label in ROUTES:
                return reverse(ROUTES[label], args=[obj.pk])
        except NoReverseMatch:
            return ""
        name = parent_field(type(obj))
        if name is None:
            return ""
        field = obj._meta.get_field(name)
        if isinstance(field, GenericForeignKey) or not field.many_to_one:
            return ""
        parent_id = getattr(obj, field.attname)
        obj = field.related_model(pk=parent_id) if parent_id else None
    return ""


def type_label(content_type: ContentType) -> str:
    model = content_type.model_class()
    name = model._meta.verbose_name if model else content_type.model
    return str(name)[:1].upper() + str(name)[1:]


# --- Browser views --------------------------------------------------------------------------


class EvidenceFilterForm(BootstrapFormMixin, forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=200)
    target_type = forms.ChoiceField(label="Attached to", required=False)
    kind = forms.ChoiceField(
        label="Kind", required=False, choices=[("", "Files and links"), *Evidence.Kind.choices]
    )
    validity = forms.ChoiceField(
        label="Validity", required=False, choices=[("", "Any validity"), *VALIDITY_CHOICES]
    )
    owner = forms.ModelChoiceField(
        queryset=User.objects.order_by("username"), required=False, empty_label="Anyone"
    )
    all_versions = forms.BooleanField(label="Include earlier versions", required=False)

    def __init__(self, *args, target_types: list[ContentType], **kwargs):
        # The choices go in before BootstrapFormMixin validates the bound form.
        self.base_fields = copy.deepcopy(type(self).base_fields)
        self.base_fields["target_type"].choices = [
            ("", "Any record"),
            *((f"{ct.app_label}.{ct.model}", type_label(ct)) for ct in target_types),
        ]
        super().__init__(*args, **kwargs)


class EvidenceReplaceForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(max_length=200)
    description = forms.CharField(widget=forms.Textarea, required=False)
    file = forms.FileField(required=False, help_text="PDF, image, office document, text or CSV.")
    url = forms.URLField(label="Or a link", required=False, assume_scheme="https")
    valid_from = forms.DateField(required=False, widget=DateInput)
    valid_until = forms.DateField(required=False, widget=DateInput)

    def clean(self):
        data = super().clean()
        if bool(data.get("file")) == bool(data.get("url")):
            raise forms.ValidationError("Give either a new file or a link.")
        return data


@dataclass
class Row:
    evidence: Evidence
    target: Model | None
    url: str


def _rows(page_items) -> list[Row]:
    """Rows with their target records, read with one query per record type on the page."""
    targets = evidence_targets(page_items)
    rows = []
    for e in page_items:
        target = targets.get((e.target_type_id, e.target_id))
        rows.append(Row(e, target, target_url(target)))
    return rows


def _complete(chunk: list[dict]) -> None:
    """What each row of the export is attached to, in words: one query per record type in
    the chunk."""
    names = record_names((row["target_type_id"], row["target_id"]) for row in chunk)
    for row in chunk:
        key = (row["target_type_id"], row["target_id"])
        label = type_label(ContentType.objects.get_for_id(key[0]))
        name = names.get(key)
        row["attached_to"] = f"{label} (removed)" if name is None else f"{label} {name}"


# The export reads plain rows (``values()``, joined to the owner; the attached records a chunk
# at a time): a streamed export of the whole library builds no model instance per row.
EXPORT_COLUMNS = [
    ("Reference", reference_of(Evidence)),
    ("Version", value_of("version")),
    ("Title", value_of("title")),
    ("Kind", label_of(Evidence, "kind")),
    ("Attached to", itemgetter("attached_to")),
    ("File name", value_of("original_filename")),
    ("Size (bytes)", value_of("size_bytes", blank_none=True)),
    ("SHA-256", value_of("sha256")),
    ("Link", value_of("url")),
    ("Owner", person_of("owner")),
    ("Valid from", moment_of("valid_from")),
    ("Valid until", moment_of("valid_until")),
    ("Added at", moment_of("created_at")),
    ("Superseded at", moment_of("superseded_at")),
    ("Description", value_of("description")),
]
EXPORT_FIELDS = (
    "id",
    "version",
    "title",
    "kind",
    "target_type_id",
    "target_id",
    "original_filename",
    "size_bytes",
    "sha256",
    "url",
    *person_fields("owner"),
    "valid_from",
    "valid_until",
    "created_at",
    "superseded_at",
    "description",
)

EVIDENCE_COLUMNS = [
    ("reference", "Ref."),
    ("title", "Title"),
    ("attached", "Attached to"),
    ("kind", "File or link"),
    ("valid_until", "Validity"),
    ("owner", "Owner"),
]

SORTABLE = {
    "reference": "id",
    "title": "title",
    "attached": "target_type__model",
    "kind": "kind",
    "valid_until": "valid_until",
    "owner": "owner__username",
    "added": "created_at",
}


class EvidenceListView(LoginRequiredMixin, ListPageMixin, View):
    """The evidence library; with ``export="csv"`` or ``"xlsx"`` the file of the same
    filtered pieces, every page of them."""

    template_name = "evidence/evidence_list.html"
    rows_name = ""  # the rows carry their target records: see extra_context
    sortable, default_sort = SORTABLE, "-reference"
    export_columns = EXPORT_COLUMNS
    export_filename = "evidence.csv"

    def get_filter_form(self):
        return EvidenceFilterForm(self.request.GET or None, target_types=evidence_target_types())

    def rows(self, filters):
        return evidence_library_list(user=self.request.user, filters=filters)

    def export_rows(self, rows):
        return in_chunks(rows.values(*EXPORT_FIELDS), _complete)

    def extra_context(self, page) -> dict:
        return {
            "rows": _rows(page.object_list),
            "columns": EVIDENCE_COLUMNS,
            "today": timezone.localdate(),
        }


class EvidenceMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        try:
            self.evidence = evidence_library_get(user=request.user, pk=kwargs["pk"])
        except Evidence.DoesNotExist:
            raise Http404 from None
        self.target = self.evidence.target
        if self.target is None:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def can_replace(self) -> bool:
        return (
            self.evidence.superseded_at is None
            and has_perm(self.request.user, "aims.add_evidence")
            and can_change_record(self.request.user, self.target)
        )


class EvidenceDetailView(EvidenceMixin, View):
    def get(self, request, pk: int):
        evidence = self.evidence
        return render(
            request,
            "evidence/evidence_detail.html",
            {
                "evidence": evidence,
                "target": self.target,
                "target_url": target_url(self.target),
                "target_type": type_label(evidence.target_type),
                "chain": version_chain(evidence),
                "can_replace": self.can_replace(),
                "today": timezone.localdate(),
                "history": evidence.history.select_related("history_user").order_by("-history_id"),
            },
        )


class EvidenceReplaceView(ServiceFormMixin, EvidenceMixin, View):
    template_name = "evidence/evidence_replace.html"
    raise_forbidden = True

    def check(self) -> None:
        if self.evidence.superseded_at is not None:
            return  # the page says so; the service refuses a POST with the reason
        if not self.can_replace():
            raise PermissionDenied("You may not replace evidence on this record.")

    def get(self, request, pk: int):
        self.check()
        return super().get(request, pk)

    def post(self, request, pk: int):
        self.check()
        return super().post(request, pk)

    def context(self) -> dict:
        return {"evidence": self.evidence, "target": self.target}

    def version_record(self, form):
        # Not a model form: the item the new version replaces is the record loaded.
        return self.evidence

    def make_form(self, data=None):
        if data is not None:
            return EvidenceReplaceForm(data, self.request.FILES)
        e = self.evidence
        return EvidenceReplaceForm(
            initial={
                "title": e.title,
                "description": e.description,
                "valid_from": e.valid_from,
                "valid_until": e.valid_until,
            }
        )

    def save(self, form) -> str:
        new = evidence_replace(actor=self.request.user, evidence=self.evidence, **form.cleaned_data)
        messages.success(
            self.request, f"{new.reference} is version {new.version} of this evidence."
        )
        return reverse("evidence:evidence_detail", args=[new.pk])


def _visible_evidence(request, pk: int) -> Evidence:
    """Evidence is as visible as the record it proves, by the one evidence engine the
    library and the API list with (aims.evidence.selectors): what a list shows, opens."""
    try:
        return evidence_library_get(user=request.user, pk=pk)
    except Evidence.DoesNotExist:
        raise Http404 from None


class EvidenceDownloadView(LoginRequiredMixin, View):
    def get(self, request, pk: int):
        evidence = _visible_evidence(request, pk)
        if evidence.kind != Evidence.Kind.FILE:
            return HttpResponseRedirect(evidence.url)
        return FileResponse(
            evidence.file.open("rb"), as_attachment=True, filename=evidence.original_filename
        )


class EvidenceAttachView(LoginRequiredMixin, FormView):
    """Attach a file or a link to any registered record the user may change."""

    form_class = EvidenceForm
    template_name = "aims/evidence_form.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        model = attachable_model(kwargs["label"])
        if model is None:
            raise Http404
        self.target = get_object_or_404(model, pk=kwargs["pk"])
        if not can_view_record(request.user, self.target):
            raise Http404
        if not can_change_record(request.user, self.target):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["target"] = self.target
        context["next"] = safe_next(self.request, "/")
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            evidence = evidence_create(
                actor=self.request.user,
                target=self.target,
                title=data["title"],
                description=data["description"],
                file=data.get("file"),
                url=data.get("url") or "",
                valid_until=data.get("valid_until"),
            )
        except (ValidationError, BusinessRuleError) as exc:
            status = apply_errors(form, exc)
            return render(
                self.request, self.template_name, self.get_context_data(form=form), status=status
            )
        messages.success(self.request, f"{evidence.reference} attached to {self.target}.")
        return HttpResponseRedirect(safe_next(self.request, "/"))

    def form_invalid(self, form):
        return render(
            self.request, self.template_name, self.get_context_data(form=form), status=400
        )
