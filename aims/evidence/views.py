"""The evidence library's browser pages (EVD-): every file or link the user may see, one
piece of evidence with its SHA-256 and version chain, and "replace" that makes a new version.
Thin: reads through aims.evidence.selectors, writes through aims.evidence.services.

Also the download of one piece of evidence and the form that attaches evidence to any
registered record (aims:evidence_download, aims:evidence_attach, mounted by aims.web_urls).
"""

import copy
from dataclasses import dataclass

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
    version_chain,
)
from aims.evidence.services import evidence_create, evidence_replace
from aims.forms import BootstrapFormMixin, DateInput
from aims.models import Evidence
from aims.people import display_name
from aims.permissions import can_change_record, can_view_record, has_perm
from aims.view_helpers import ListPageMixin, ServiceFormMixin, moment
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


def _rows_in_chunks(evidence, size: int = 1000):
    """The export's rows with their target records, a chunk at a time: one query per record
    type per chunk, and one chunk in memory, however large the library."""
    chunk = []
    for item in evidence.iterator(chunk_size=size):
        chunk.append(item)
        if len(chunk) == size:
            yield from _rows(chunk)
            chunk = []
    yield from _rows(chunk)


def _attached_to(row: Row) -> str:
    label = type_label(row.evidence.target_type)
    if row.target is None:
        return f"{label} (removed)"
    return f"{label} {getattr(row.target, 'reference', row.target)}"


#: The export: references and labels in words, people by name; one row per piece.
EXPORT_COLUMNS = [
    ("Reference", lambda r: r.evidence.reference),
    ("Version", lambda r: r.evidence.version),
    ("Title", lambda r: r.evidence.title),
    ("Kind", lambda r: r.evidence.get_kind_display()),
    ("Attached to", _attached_to),
    ("File name", lambda r: r.evidence.original_filename),
    ("Size (bytes)", lambda r: "" if r.evidence.size_bytes is None else r.evidence.size_bytes),
    ("SHA-256", lambda r: r.evidence.sha256),
    ("Link", lambda r: r.evidence.url),
    ("Owner", lambda r: display_name(r.evidence.owner)),
    ("Valid from", lambda r: moment(r.evidence.valid_from)),
    ("Valid until", lambda r: moment(r.evidence.valid_until)),
    ("Added at", lambda r: moment(r.evidence.created_at)),
    ("Superseded at", lambda r: moment(r.evidence.superseded_at)),
    ("Description", lambda r: r.evidence.description),
]

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

    def queryset(self, filters):
        evidence = super().queryset(filters)
        return _rows_in_chunks(evidence) if self.export else evidence

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
