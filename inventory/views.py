from operator import itemgetter

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views import View

from aims.errors import BusinessRuleError, RuleForbidden
from aims.evidence.selectors import evidence_on
from aims.models import format_reference
from aims.people import display_name
from aims.permissions import can_change_record, has_global_perm, has_perm
from aims.view_helpers import (
    ListPageMixin,
    RecordMixin,
    ServiceFormMixin,
    page_context,
    with_people,
)

from . import selectors, services
from .extensions import decision_sections, system_links
from .forms import (
    ApprovalForm,
    ChangeRequestForm,
    ComponentForm,
    ConditionCloseForm,
    DatasetForm,
    GateSettingForm,
    IntakeForm,
    MaterialityDecisionForm,
    SystemEditForm,
    SystemFilterForm,
    TriageForm,
    ValidationRecordForm,
    ValidationReviewForm,
)
from .models import (
    AISystem,
    ApprovalCondition,
    ChangeRequest,
    Component,
    Dataset,
    GateSetting,
    ValidationRecord,
)

TABS = [
    ("overview", "Overview"),
    ("components", "Components"),
    ("datasets", "Datasets"),
    ("gates", "Gates and approvals"),
    ("validation", "Validation"),
    ("changes", "Changes"),
    ("evidence", "Evidence"),
    ("history", "History"),
]
PAGE_SIZES = (25, 50, 100)


def _label(field: str):
    """The display label of a choice field's value, read from a ``values()`` row (what
    ``get_<field>_display`` answers, without building a model instance per row)."""
    labels = dict(AISystem._meta.get_field(field).flatchoices)
    return lambda s: labels.get(s[field], s[field])


def _yes_no(field: str):
    return lambda s: "yes" if s[field] else "no"


# The export reads plain rows (``values()``): a streamed export of every system builds no
# model instance, so it keeps its pace and its memory flat at any size.
EXPORT_FIELDS = (
    "id",
    "name",
    "business_unit",
    "owner__username",
    "lifecycle_stage",
    "risk_tier",
    "deployment_type",
    "ai_technique",
    "decision_impact",
    "human_oversight",
    "personal_data",
    "user_facing",
    "used_in_eu",
    "next_review_date",
    "purpose",
    "external_id",
)
CSV_COLUMNS = [
    ("Reference", lambda s: format_reference(AISystem.REFERENCE_PREFIX, s["id"])),
    ("Name", itemgetter("name")),
    ("Business unit", _label("business_unit")),
    ("Owner", itemgetter("owner__username")),
    ("Lifecycle stage", _label("lifecycle_stage")),
    ("Risk tier", _label("risk_tier")),
    ("Deployment type", _label("deployment_type")),
    ("AI technique", _label("ai_technique")),
    ("Decision impact", _label("decision_impact")),
    ("Human oversight", _label("human_oversight")),
    ("Personal data", _label("personal_data")),
    ("User facing", _yes_no("user_facing")),
    ("Used in the EU", _yes_no("used_in_eu")),
    ("Next review", lambda s: s["next_review_date"].isoformat() if s["next_review_date"] else ""),
    ("Purpose", itemgetter("purpose")),
    # Last, so older readers of the export find the columns they knew where they were.
    ("External id", itemgetter("external_id")),
]


class SystemListView(LoginRequiredMixin, ListPageMixin, View):
    template_name = "inventory/system_list.html"
    rows_name = "systems"
    filter_form_class = SystemFilterForm
    sortable, default_sort = selectors.SORTABLE, "reference"
    page_sizes = PAGE_SIZES
    export_columns = CSV_COLUMNS
    export_filename = "ai-systems.csv"

    def rows(self, filters):
        return selectors.system_list(user=self.request.user, filters=filters)

    def export_rows(self, rows):
        return rows.values(*EXPORT_FIELDS)

    def extra_context(self, page):
        return {
            "columns": [
                ("reference", "Ref."),
                ("name", "Name"),
                ("business_unit", "Business unit"),
                ("owner", "Owner"),
                ("stage", "Stage"),
                ("tier", "Risk tier"),
                ("next_review", "Next review"),
            ],
            "can_register": has_global_perm(self.request.user, "inventory.add_aisystem"),
        }


class SystemMixin(RecordMixin):
    """Loads the system from the URL; a system the user may not see is a 404, one they may
    not change (``need_change``) a 403."""

    record_attr = "system"
    need_change = False

    def load(self, user, pk):
        return selectors.system_get(user=user, pk=pk)

    def check(self, request) -> None:
        if self.need_change and not can_change_record(request.user, self.system):
            raise PermissionDenied

    def detail_url(self, tab: str = "overview") -> str:
        if tab == "overview":
            return reverse("inventory:system_detail", args=[self.system.pk])
        return reverse("inventory:system_tab", args=[self.system.pk, tab])


class SystemDetailView(SystemMixin, View):
    template_name = "inventory/system_detail.html"

    def get(self, request, pk: int, tab: str = "overview"):
        if tab not in dict(TABS):
            raise Http404
        user = request.user
        context = {
            "system": self.system,
            "tabs": TABS,
            "tab": tab,
            "can_change": can_change_record(user, self.system),
            "can_decide": services.can_decide_gate(user, self.system),
            "transitions": services.available_transitions(actor=user, system=self.system),
            "related_pages": system_links(user, self.system),
        }
        context.update(getattr(self, f"tab_{tab}")())
        return render(request, self.template_name, context)

    def tab_overview(self) -> dict:
        from .next_steps import next_steps

        return {"next_steps": next_steps(self.request.user, self.system, request=self.request)}

    def tab_components(self) -> dict:
        return {
            "components": Component.objects.filter(system=self.system).select_related("supplier")
        }

    def tab_datasets(self) -> dict:
        return {"datasets": Dataset.objects.filter(system=self.system)}

    def tab_gates(self) -> dict:
        user = self.request.user
        approvals = self.system.approvals.select_related("approver")
        gate = self.system.open_gate
        refusal = services.gate_decision_refusal(user, self.system)
        conditions = list(
            ApprovalCondition.objects.filter(system=self.system).select_related(
                "approval", "owner", "closed_by"
            )
        )
        for condition in conditions:
            condition.system = self.system
            condition.can_meet = services.can_close_condition(user, condition, "met")
            condition.can_waive = services.can_close_condition(user, condition, "waived")
        return {
            "approvals": approvals,
            "progress": services.gate_progress(self.system),
            "blockers": services.gate_blockers(self.system, gate) if gate else [],
            "approval_form": ApprovalForm(),
            # An approver held back by their training reads why (and what to do about it).
            "decision_refusal": (
                refusal
                if refusal is not None and refusal.code == "approver_training_missing"
                else None
            ),
            "conditions": conditions,
        }

    def tab_validation(self) -> dict:
        user = self.request.user
        validations = list(self.system.validations.select_related("performed_by", "reviewed_by"))
        counting = {r.pk for r in services.counting_validations(self.system)}
        for record in validations:
            record.system = self.system
            record.counts = record.pk in counting
            record.can_review = services.can_review_validation(user, record)
        return {"validations": validations}

    def tab_changes(self) -> dict:
        changes = list(
            self.system.change_requests.select_related("requested_by", "materiality_decided_by")
        )
        for change in changes:
            change.system = self.system
            change.can_decide = services.can_decide_materiality(self.request.user, change)
        return {"changes": changes}

    def tab_evidence(self) -> dict:
        return {"evidence_list": evidence_on(self.system, user=self.request.user)}

    def tab_history(self) -> dict:
        from .history import system_history

        context = page_context(self.request, system_history(self.system))
        context["history"] = with_people(context["page_obj"].object_list)
        return context


class SystemIntakeView(ServiceFormMixin, LoginRequiredMixin, View):
    template_name = "inventory/system_intake.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not has_perm(request.user, "inventory.add_aisystem"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def make_form(self, data=None):
        return IntakeForm(data)

    def save(self, form):
        data = dict(form.cleaned_data)
        vendor, model_name = data.pop("vendor", ""), data.pop("model_name", "")
        return services.system_submit_intake(
            actor=self.request.user, data=data, vendor=vendor, model_name=model_name
        )

    def success_message(self, system) -> str:
        return (
            f"{system.reference} submitted. The governance officers have been told and will "
            "triage it."
        )

    def success_url(self, system) -> str:
        return reverse("inventory:system_detail", args=[system.pk])


class SystemEditView(ServiceFormMixin, SystemMixin, View):
    template_name = "inventory/system_form.html"
    need_change = True

    def make_form(self, data=None):
        # A bound form writes its input onto its instance: give it a copy, so the page
        # header and the service see the system as it is stored.
        instance = (
            self.system
            if data is None
            else selectors.system_get(user=self.request.user, pk=self.system.pk)
        )
        return SystemEditForm(
            data,
            instance=instance,
            can_change_owner=has_global_perm(self.request.user, "inventory.triage_aisystem"),
        )

    def context(self) -> dict:
        return {
            "system": self.system,
            "under_change_control": services.change_control_applies(self.system),
        }

    def save(self, form):
        data = dict(form.cleaned_data)
        new_owner = data.pop("owner", None)
        edited = services.system_edit(
            actor=self.request.user,
            system=self.system,
            data=data,
            reason=self.request.POST.get("reason", "").strip(),
        )
        system = edited.record
        if new_owner is not None and new_owner != system.owner:
            services.system_set_owner(actor=self.request.user, system=system, owner=new_owner)
        return edited

    def success_message(self, edited) -> str:
        return edited_message(edited, self.system)

    def success_url(self, edited) -> str:
        if edited.change is not None:
            return self.detail_url("changes")
        return reverse("inventory:system_detail", args=[self.system.pk])


def edited_message(edited, system) -> str:
    """What an edit did, in words: saved, or (partly) diverted into a change request."""
    if edited.change is None:
        return f"{(edited.record or system).reference} saved."
    return services.diverted_message(edited.change)


class SystemTransitionView(SystemMixin, View):
    def post(self, request, pk: int, action: str):
        try:
            services.system_transition(
                actor=request.user,
                system=self.system,
                action=action,
                reason=request.POST.get("reason", "").strip(),
            )
        except BusinessRuleError as exc:
            messages.error(request, exc.message)
            if exc.status_code == 403:
                raise PermissionDenied(exc.message) from exc
            return HttpResponseRedirect(self.detail_url())
        self.system.refresh_from_db()
        messages.success(request, services.transition_message(self.system, action))
        return HttpResponseRedirect(self.detail_url())


def decision_case(user, system) -> dict:
    """What the decision page shows beside the form; a fixed number of queries whatever the
    number of records (one per table, people joined in)."""
    gate = system.open_gate
    round_ = system.gate_round(gate) if gate else None
    approvals = list(system.approvals.select_related("approver").order_by("-created_at", "-id"))
    conditions = list(
        ApprovalCondition.objects.filter(
            system=system, status=ApprovalCondition.Status.OPEN
        ).select_related("approval", "owner")
    )
    validations = list(
        system.validations.filter(release_round=system.release_round).select_related(
            "performed_by", "reviewed_by"
        )
    )
    from .history import system_history

    return {
        "gate": gate,
        "refusal_reason": services.gate_decision_refusal(user, system),
        "progress": services.gate_progress(system),
        "blockers": services.gate_blockers(system, gate) if gate else [],
        "round_decisions": [a for a in approvals if a.gate == gate and a.round == round_],
        "earlier_decisions": [a for a in approvals if not (a.gate == gate and a.round == round_)],
        "open_conditions": conditions,
        "validations": validations,
        "recent_history": with_people(system_history(system)[: ApprovalDecideView.history_size]),
        "case_sections": decision_sections(user, system, gate),
    }


def decision_message(approval, system) -> str:
    """What recording a decision did, in words: whose decision, on what, and where the
    system stands now."""
    system.refresh_from_db()
    text = (
        f"Your decision on {system.reference} {system.name} was recorded as "
        f"{approval.reference}: {approval.get_decision_display().lower()}"
    )
    if system.open_gate == approval.gate and system.lifecycle_stage in (
        services.Stage.IN_TRIAGE,
        services.Stage.IN_VALIDATION,
    ):
        progress = services.gate_progress(system)
        return (
            f"{text}. The {approval.get_gate_display().lower()} has {progress['approvals']} of "
            f"{progress['required']} approvals it needs."
        )
    return f"{text}. {system.reference} is now {system.get_lifecycle_stage_display().lower()}."


class SystemFormView(ServiceFormMixin, SystemMixin, View):
    """A form on one system whose valid input goes to one service call (``save``).

    Subclasses name the form, the service call and the tab to go back to; a refusal by the
    service is shown on the form with its status, and nothing is saved.
    """

    template_name = "inventory/child_form.html"
    form_class = None
    success_tab = "overview"
    title = ""
    intro = ""
    multipart = False

    def make_form(self, data=None):
        files = self.request.FILES if self.multipart and data is not None else None
        return self.form_class(data, files)

    def success_message(self, obj) -> str:
        return f"{obj.reference} saved."

    def success_url(self, obj) -> str:
        return self.detail_url(self.success_tab)

    def refusal(self):
        """Why the service would refuse this user now (its own predicate), or None."""
        return None

    def get(self, request, *args, **kwargs):
        # The service's rule, checked before the form is offered: nobody fills in a form the
        # service would then refuse. Who may never do it gets 403; who may not yet is told why
        # on the tab. A POST regardless is refused by the service, on the form.
        refusal = self.refusal()
        if isinstance(refusal, RuleForbidden):
            raise PermissionDenied(refusal.message)
        if refusal is not None:
            messages.warning(request, refusal.message)
            return HttpResponseRedirect(self.detail_url(self.success_tab))
        return super().get(request, *args, **kwargs)

    def context(self) -> dict:
        return {
            "system": self.system,
            "model_name": self.title,
            "button": getattr(self, "button", "Save"),
            "intro": self.intro,
            "multipart": self.multipart,
            "cancel_url": self.detail_url(self.success_tab),
        }


class SystemTriageView(SystemFormView):
    """A governance officer starts triage with its substance: who works it, by when, notes.
    The rules are the service's (transition_refusal, triage_input_errors)."""

    form_class = TriageForm
    template_name = "inventory/action_form.html"
    title = "start triage"
    button = "Start triage"
    intro = (
        "Name the governance officer who works this intake through to its gate decision, "
        "the date it should be ready by, and what to look at."
    )

    def refusal(self):
        return services.transition_refusal(self.request.user, self.system, "start_triage")

    def make_form(self, data=None):
        return TriageForm(data, initial={"assignee": self.request.user.pk})

    def post(self, request, *args, **kwargs):
        # Who may never start triage is refused before their input is read.
        refusal = self.refusal()
        if isinstance(refusal, RuleForbidden):
            raise PermissionDenied(refusal.message)
        return super().post(request, *args, **kwargs)

    def save(self, form):
        return services.system_transition(
            actor=self.request.user, system=self.system, action="start_triage", **form.cleaned_data
        )

    def success_message(self, system) -> str:
        return services.transition_message(system, "start_triage")


class ApprovalDecideView(SystemFormView):
    """The decision page: the case an approver decides on (intake, classification, tier
    requirements, risks, validation, impact assessment, conditions, the round's decisions,
    recent history) with the decision form under it. The higher apps' parts come through
    inventory.extensions.decision_sections; the rules stay in services.gate_decision_refusal
    and approval_decide."""

    template_name = "inventory/approval_form.html"
    form_class = ApprovalForm
    success_tab = "gates"
    history_size = 10

    def refusal(self):
        return services.gate_decision_refusal(self.request.user, self.system)

    def get(self, request, *args, **kwargs):
        # Only approvers open the case; an approver the rule refuses (their own system, the
        # round already decided, no training) reads the case and why they cannot decide.
        if not services.is_gate_approver(request.user):
            raise PermissionDenied("Only approvers decide gates.")
        return self.render_form(self.make_form())

    def context(self) -> dict:
        return {**super().context(), **decision_case(self.request.user, self.system)}

    def save(self, form):
        return services.approval_decide(
            actor=self.request.user, system=self.system, **form.cleaned_data
        )

    def success_message(self, obj) -> str:
        return decision_message(obj, self.system)


class ValidationReviewView(SystemFormView):
    """An officer or approver who is not the owner confirms the review of a validation."""

    template_name = "inventory/action_form.html"
    button = "Confirm review"
    form_class = ValidationReviewForm
    success_tab = "validation"

    def record(self) -> ValidationRecord:
        if not hasattr(self, "_record"):
            self._record = get_object_or_404(
                ValidationRecord.objects.select_related("performed_by"),
                pk=self.kwargs["child"],
                system=self.system,
            )
            self._record.system = self.system
        return self._record

    @property
    def title(self) -> str:
        record = self.record()
        return f"review of {record.reference} {record.title}"

    @property
    def intro(self) -> str:
        record = self.record()
        return (
            f"{record.get_test_type_display()}: {record.get_result_display()} on "
            f"{record.performed_on:%d %b %Y}, by {display_name(record.performed_by)}. "
            f"Method: {record.method}"
        )

    def refusal(self):
        return services.validation_review_refusal(self.request.user, self.record())

    def save(self, form):
        return services.validation_record_review(
            actor=self.request.user, record=self.record(), note=form.cleaned_data["note"]
        )

    def success_message(self, obj) -> str:
        return (
            f"Review of {obj.reference} {obj.title} on {self.system.reference} "
            f"{self.system.name} confirmed by {display_name(self.request.user)}."
        )


class ConditionCloseView(SystemFormView):
    """The condition's owner marks it met; an officer waives it."""

    template_name = "inventory/action_form.html"
    multipart = True
    success_tab = "gates"

    def condition(self) -> ApprovalCondition:
        if not hasattr(self, "_condition"):
            self._condition = get_object_or_404(
                ApprovalCondition.objects.select_related("approval", "owner"),
                pk=self.kwargs["child"],
                system=self.system,
            )
            self._condition.system = self.system
        return self._condition

    @property
    def outcome(self) -> str:
        return self.kwargs["outcome"]

    @property
    def button(self) -> str:
        return "Mark met" if self.outcome == "met" else "Waive the condition"

    @property
    def title(self) -> str:
        verb = "met" if self.outcome == "met" else "waived"
        return f"condition {self.condition().reference} {verb}"

    @property
    def intro(self) -> str:
        c = self.condition()
        return f"Condition of {c.approval.reference}, due {c.due_on:%d %b %Y}: {c.text}"

    def make_form(self, data=None):
        files = self.request.FILES if data is not None else None
        return ConditionCloseForm(data, files, outcome=self.outcome)

    def refusal(self):
        return services.condition_close_refusal(self.request.user, self.condition(), self.outcome)

    def save(self, form):
        data = form.cleaned_data
        try:
            return services.condition_close(
                actor=self.request.user,
                condition=self.condition(),
                outcome=self.outcome,
                note=data["note"],
                evidence_file=data.get("evidence_file"),
                evidence_url=data.get("evidence_url") or "",
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "file" in exc.error_dict:
                exc.error_dict["evidence_file"] = exc.error_dict.pop("file")
            raise

    def success_message(self, obj) -> str:
        return (
            f"Condition {obj.reference} on {self.system.reference} {self.system.name} is now "
            f"{obj.get_status_display().lower()}."
        )


class ChildFormView(SystemFormView):
    """Create or edit a record under a system (component, dataset)."""

    need_change = True
    model = None

    @property
    def title(self) -> str:
        return self.model._meta.verbose_name

    def get_record(self):
        if not hasattr(self, "record"):
            if "child" in self.kwargs:
                self.record = get_object_or_404(
                    self.model, pk=self.kwargs["child"], system=self.system
                )
            else:
                self.record = self.model(system=self.system)
        return self.record

    def make_form(self, data=None):
        return self.form_class(data, instance=self.get_record())

    def context(self) -> dict:
        return {**super().context(), "record": self.get_record()}

    def save(self, form):
        return services.child_edit(
            actor=self.request.user, record=self.get_record(), data=form.cleaned_data
        )

    def success_message(self, edited) -> str:
        return edited_message(edited, self.system)

    def success_url(self, edited) -> str:
        return self.detail_url("changes" if edited.change is not None else self.success_tab)


class ChildDeleteView(SystemMixin, View):
    need_change = True
    model = None
    tab = ""
    template_name = "inventory/child_confirm_delete.html"

    def get(self, request, pk: int, child: int):
        record = get_object_or_404(self.model, pk=child, system=self.system)
        return render(
            request,
            self.template_name,
            {"record": record, "system": self.system, "cancel_url": self.detail_url(self.tab)},
        )

    def post(self, request, pk: int, child: int):
        record = get_object_or_404(self.model, pk=child, system=self.system)
        label = str(record)
        try:
            change = services.child_delete(actor=request.user, record=record)
        except BusinessRuleError as exc:
            messages.error(request, exc.message)
        else:
            if change is not None:
                messages.warning(request, services.diverted_message(change))
                return HttpResponseRedirect(self.detail_url("changes"))
            messages.success(request, f"{label} removed. Its history is kept.")
        return HttpResponseRedirect(self.detail_url(self.tab))


class ComponentFormView(ChildFormView):
    model, form_class, success_tab = Component, ComponentForm, "components"

    def context(self) -> dict:
        context = super().context()
        if not self.get_record().pk:  # a new component may start from a model card
            from .bom.forms import ModelCardForm

            context["card_form"] = ModelCardForm()
        return context


class ComponentDeleteView(ChildDeleteView):
    model, tab = Component, "components"


class DatasetFormView(ChildFormView):
    model, form_class, success_tab = Dataset, DatasetForm, "datasets"


class DatasetDeleteView(ChildDeleteView):
    model, tab = Dataset, "datasets"


class ValidationCreateView(SystemFormView):
    need_change = True
    form_class = ValidationRecordForm
    success_tab = "validation"
    title = "validation record"
    multipart = True

    def save(self, form):
        data = dict(form.cleaned_data)
        try:
            return services.validation_record_create(
                actor=self.request.user,
                system=self.system,
                evidence_file=data.pop("evidence_file"),
                evidence_url=data.pop("evidence_url") or "",
                **data,
            )
        except ValidationError as exc:
            # The evidence service names its field "file"; on this form it is evidence_file.
            if hasattr(exc, "error_dict") and "file" in exc.error_dict:
                exc.error_dict["evidence_file"] = exc.error_dict.pop("file")
            raise

    def success_message(self, obj) -> str:
        return (
            f"{obj.reference} {obj.title} recorded on {self.system.reference} "
            f"{self.system.name}: {obj.get_result_display().lower()}."
        )


class ChangeRequestCreateView(SystemFormView):
    need_change = True
    form_class = ChangeRequestForm
    success_tab = "changes"
    title = "change request"
    intro = (
        "A material change sends the system back through the release gate. On a medium or "
        "high tier a governance officer decides whether a change is material."
    )

    def save(self, form):
        return services.change_request_create(
            actor=self.request.user, system=self.system, **form.cleaned_data
        )

    def success_message(self, obj) -> str:
        return (
            f"Change request {obj.reference} {obj.title} recorded on {self.system.reference} "
            f"{self.system.name}: {obj.get_status_display().lower()}."
        )


class ChangeRequestDecideView(SystemFormView):
    """A governance officer (or, on a low tier, the owner) decides whether a proposed change
    is material; the rule is services.materiality_refusal."""

    template_name = "inventory/change_decide_form.html"
    form_class = MaterialityDecisionForm
    success_tab = "changes"

    def check(self, request) -> None:
        super().check(request)
        self.change = get_object_or_404(ChangeRequest, pk=self.kwargs["child"], system=self.system)
        self.change.system = self.system

    def refusal(self):
        return services.materiality_refusal(self.request.user, self.change)

    def context(self) -> dict:
        return {**super().context(), "change": self.change}

    def save(self, form):
        return services.change_request_decide(
            actor=self.request.user, change=self.change, **form.cleaned_data
        )

    def success_message(self, obj) -> str:
        return (
            f"Change request {obj.reference} {obj.title} on {self.system.reference} "
            f"{self.system.name} is now {obj.get_status_display().lower()}."
        )


class GateSettingsView(LoginRequiredMixin, View):
    template_name = "inventory/gate_settings.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not has_perm(
            request.user, "inventory.view_gatesetting"
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def forms(self, data=None):
        return [
            (setting, GateSettingForm(data, instance=setting, prefix=setting.gate))
            for setting in GateSetting.objects.all()
        ]

    def get(self, request):
        return render(
            request,
            self.template_name,
            {
                "forms": self.forms(),
                "can_edit": has_perm(request.user, "inventory.change_gatesetting"),
            },
        )

    def post(self, request):
        forms = self.forms(request.POST)
        status = 200
        if all(form.is_valid() for _, form in forms):
            try:
                for setting, form in forms:
                    services.gate_setting_update(
                        actor=request.user,
                        gate=setting.gate,
                        required_approvals=form.cleaned_data["required_approvals"],
                    )
            except BusinessRuleError as exc:
                raise PermissionDenied(exc.message) from exc
            messages.success(request, "Gate settings saved.")
            return HttpResponseRedirect(request.path)
        status = 400
        return render(
            request, self.template_name, {"forms": forms, "can_edit": True}, status=status
        )
