"""Browser pages of the ISO/IEC 27001 controls and their mappings to ISO/IEC 42001. Thin:
reads through audits.iso27001.selectors, writes through audits.iso27001.services. Reading
needs the model's view permission (403 otherwise); a write the role does not allow is a 403;
a refused rule is shown on the page with its reason."""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from aims.history_diff import record_history
from aims.people import display_name
from aims.permissions import has_perm
from aims.view_helpers import ListPageMixin
from aims.view_helpers.export import moment

from ..view_bases import ActionView, Base, FormPage
from . import selectors, services
from .forms import (
    ControlFilterForm,
    ControlForm,
    MappingFilterForm,
    MappingForm,
    RejectForm,
    ReviewForm,
)
from .models import ControlMapping, SecurityControl

T = "iso27001/"
VIEW_CONTROLS = "audits.view_securitycontrol"
VIEW_MAPPINGS = "audits.view_controlmapping"


def in_date(evidence, today) -> bool:
    return (evidence.valid_from is None or evidence.valid_from <= today) and (
        evidence.valid_until is None or evidence.valid_until >= today
    )


def mapping_actions(user, mapping: ControlMapping) -> dict:
    """What the page offers on one mapping: the same predicates the services enforce."""
    refusal = services.review_refusal(actor=user, mapping=mapping)
    return {
        "can_review": refusal is None,
        "can_reject": services.reject_refusal(actor=user, mapping=mapping) is None,
        # why an officer may not review a proposal (their own), shown instead of the form
        "review_refusal": refusal.message
        if refusal is not None
        and mapping.status == ControlMapping.Status.PROPOSED
        and has_perm(user, services.REVIEW_MAPPING)
        else "",
    }


# --- Controls --------------------------------------------------------------------------------

CONTROL_COLUMNS = [
    ("code", "Control"),
    ("title", "Title"),
    ("theme", "Theme"),
    ("status", "Implementation"),
    ("owner", "Owner"),
    ("reviewed", "Last reviewed"),
    ("", "Reviewed mappings"),
]
CONTROL_EXPORT = [
    ("Control", lambda c: c.code),
    ("Title", lambda c: c.title),
    ("Theme", lambda c: c.get_theme_display()),
    ("Applicable", lambda c: "yes" if c.applicable else "no"),
    ("Implementation", lambda c: c.get_implementation_status_display()),
    ("How it is implemented", lambda c: c.implementation_notes),
    ("Owner", lambda c: display_name(c.owner)),
    ("Last reviewed", lambda c: moment(c.last_reviewed)),
    ("Reviewed mappings", lambda c: c.reviewed_mappings),
]


class ControlListView(ListPageMixin, Base):
    """The 93 ISO/IEC 27001 Annex A controls and the organisation's record of each."""

    permission = VIEW_CONTROLS
    template_name = T + "control_list.html"
    rows_name = "controls"
    filter_form_class = ControlFilterForm
    sortable, default_sort = selectors.CONTROL_SORTABLE, "code"
    page_sizes = (25, 50, 100)
    export_columns = CONTROL_EXPORT
    export_filename = "iso27001-controls.csv"

    def rows(self, filters):
        return selectors.control_list(user=self.request.user, filters=filters)

    def extra_context(self, page) -> dict:
        return {
            "columns": CONTROL_COLUMNS,
            "can_view_mappings": has_perm(self.request.user, VIEW_MAPPINGS),
        }


class ControlMixin:
    def load(self, request, pk: int, **kwargs) -> None:
        try:
            self.control = selectors.control_get(user=request.user, pk=pk)
        except SecurityControl.DoesNotExist:
            raise Http404 from None

    def detail_url(self) -> str:
        return reverse("iso27001:control_detail", args=[self.control.pk])


class ControlDetailView(ControlMixin, Base):
    permission = VIEW_CONTROLS

    def get(self, request, pk: int):
        control, user = self.control, request.user
        today = timezone.localdate()
        mappings = (
            list(selectors.mapping_list(user=user, filters={"security_control": control.pk}))
            if has_perm(user, VIEW_MAPPINGS)
            else []
        )
        can_edit = services.can_edit_controls(user)
        return render(
            request,
            T + "control_detail.html",
            {
                "control": control,
                "mappings": mappings,
                "evidence_rows": [
                    (e, in_date(e, today)) for e in selectors.control_evidence(control)
                ],
                "can_edit": can_edit,
                "can_add_mapping": services.can_add_mappings(user),
                "attach_url": reverse(
                    "aims:evidence_attach", args=["audits.securitycontrol", control.pk]
                )
                + f"?next={self.detail_url()}",
                "history": record_history(control),
            },
        )


class ControlEditView(ControlMixin, FormPage):
    permission = services.CHANGE_CONTROL
    template_name = T + "control_form.html"

    def make_form(self, data=None):
        return ControlForm(data, instance=SecurityControl.objects.get(pk=self.control.pk))

    def context(self):
        return {"control": self.control}

    def save(self, form):
        services.control_update(
            actor=self.request.user, control=self.control, data=form.cleaned_data
        )
        return self.detail_url()

    def success_message(self, saved) -> str:
        return f"ISO/IEC 27001 {self.control.code} saved."


# --- Mappings --------------------------------------------------------------------------------

MAPPING_COLUMNS = [
    ("control", "ISO/IEC 27001"),
    ("item", "ISO/IEC 42001"),
    ("source", "Source"),
    ("status", "Status"),
    ("reviewed", "Decided"),
    ("", "Action"),
]
MAPPING_EXPORT = [
    ("ISO/IEC 27001 control", lambda m: m.security_control.code),
    ("ISO/IEC 27001 title", lambda m: m.security_control.title),
    ("ISO/IEC 42001 item", lambda m: m.item.code),
    ("ISO/IEC 42001 title", lambda m: m.item.title),
    ("Rationale", lambda m: m.rationale),
    ("Source", lambda m: m.get_source_display()),
    ("Source detail", lambda m: m.source_detail),
    ("Status", lambda m: m.get_status_display()),
    ("Proposed by", lambda m: display_name(m.proposed_by) or "AIMS"),
    ("Decided by", lambda m: display_name(m.reviewed_by)),
    ("Decided at", lambda m: moment(m.reviewed_at)),
    ("Decision note", lambda m: m.decision_note),
]


class MappingListView(ListPageMixin, Base):
    """Which 27001 control supports which 42001 item, and whether someone reviewed it."""

    permission = VIEW_MAPPINGS
    template_name = T + "mapping_list.html"
    rows_name = "mappings"
    filter_form_class = MappingFilterForm
    sortable, default_sort = selectors.MAPPING_SORTABLE, "control"
    page_sizes = (25, 50, 100)
    export_columns = MAPPING_EXPORT
    export_filename = "iso27001-mappings.csv"

    def rows(self, filters):
        return selectors.mapping_list(user=self.request.user, filters=filters)

    def extra_context(self, page) -> dict:
        user = self.request.user
        return {
            "columns": MAPPING_COLUMNS,
            "rows": [(m, mapping_actions(user, m)) for m in page.object_list],
            "can_add": services.can_add_mappings(user),
        }


class MappingMixin:
    def load(self, request, pk: int, **kwargs) -> None:
        try:
            self.mapping = selectors.mapping_get(user=request.user, pk=pk)
        except ControlMapping.DoesNotExist:
            raise Http404 from None

    def back(self) -> str:
        return reverse("iso27001:mapping_detail", args=[self.mapping.pk])


class MappingDetailView(MappingMixin, Base):
    permission = VIEW_MAPPINGS

    def get(self, request, pk: int):
        mapping = self.mapping
        return render(
            request,
            T + "mapping_detail.html",
            {
                "mapping": mapping,
                **mapping_actions(request.user, mapping),
                "review_form": ReviewForm(),
                "reject_form": RejectForm(),
                "statement_id": getattr(getattr(mapping.item, "statement", None), "pk", None),
                "history": record_history(mapping),
            },
        )


class MappingCreateView(FormPage):
    permission = services.ADD_MAPPING
    template_name = T + "mapping_form.html"

    def make_form(self, data=None):
        initial = {}
        control = self.request.GET.get("control", "")
        if control.isdigit():
            initial["security_control"] = int(control)
        return MappingForm(data, initial=initial)

    def save(self, form):
        data = dict(form.cleaned_data)
        try:
            mapping = services.mapping_create(
                actor=self.request.user,
                security_control=data["security_control"],
                item=data["item_code"],
                rationale=data["rationale"],
                source=data["source"],
                source_detail=data.get("source_detail", ""),
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "item" in exc.error_dict:
                exc.error_dict["item_code"] = exc.error_dict.pop("item")
            raise
        return reverse("iso27001:mapping_detail", args=[mapping.pk])

    def success_message(self, saved) -> str:
        return "Mapping proposed. It counts for readiness once another officer reviews it."


class MappingReviewView(MappingMixin, ActionView):
    permission = services.REVIEW_MAPPING

    def perform(self, request) -> str:
        form = ReviewForm(request.POST)
        note = form.cleaned_data["note"] if form.is_valid() else ""
        mapping = services.mapping_review(actor=request.user, mapping=self.mapping, note=note)
        return (
            f"Mapping reviewed: evidence of ISO/IEC 27001 {mapping.security_control.code} now "
            f"counts for {mapping.item.code} while the control is implemented."
        )


class MappingRejectView(MappingMixin, ActionView):
    permission = services.REVIEW_MAPPING

    def perform(self, request) -> str:
        reason = (request.POST.get("reason") or "")[:2000]
        services.mapping_reject(actor=request.user, mapping=self.mapping, reason=reason)
        return "Mapping rejected: it no longer counts for readiness."
