"""Browser UI of the risk app: thin views over risk.selectors and risk.services."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views import View

from aims import view_helpers
from aims.errors import BusinessRuleError
from aims.permissions import can_change_record, has_global_perm, has_perm
from aims.view_helpers import (
    ListPageMixin,
    ServiceFormMixin,
    label_of,
    moment_of,
    person_fields,
    person_of,
    reference_of,
    value_of,
    with_people,
)
from inventory import selectors as inventory_selectors
from inventory.models import AISystem, Gate

from . import classification as questionnaire
from . import selectors, services
from .forms import (
    TIERS_IN_MATRIX,
    AcceptForm,
    ActionForm,
    AssessmentForm,
    ClassificationForm,
    ConfirmClassificationForm,
    ImpactForm,
    MethodologyForm,
    ObligationTimelineForm,
    RequirementForm,
    RiskFilterForm,
    RiskForm,
    SignOffForm,
    harms_in_words,
)
from .history import system_risk_history
from .models import (
    Classification,
    ImpactAssessment,
    Risk,
    RiskAssessment,
    TierDecision,
    TierRequirement,
    TreatmentAction,
)

FORM_TEMPLATE = "risk/form.html"


def system_risk_url(system) -> str:
    return reverse("risk:system_risk", args=[system.pk])


class RecordMixin(view_helpers.RecordMixin):
    """Loads the record named in the URL among those the user may see (else 404), and the AI
    system it belongs to as ``self.system``; then refuses (403) a user without
    ``permission`` or, with ``need_change``, without the right to change that system."""

    loader = None  # callable(user, pk) -> record; DoesNotExist -> 404
    need_change = False
    permission = ""  # a model permission the actor needs through a role

    def load(self, user, pk):
        return type(self).loader(user, pk)

    def check(self, request) -> None:
        self.system = self.record if isinstance(self.record, AISystem) else self.record.system
        if self.permission and not has_perm(request.user, self.permission):
            raise PermissionDenied
        if self.need_change and not can_change_record(request.user, self.system):
            raise PermissionDenied


def load_system(user, pk):
    return inventory_selectors.system_get(user=user, pk=pk)


def load_risk(user, pk):
    return selectors.risk_get(user=user, pk=pk)


def load_assessment(user, pk):
    return selectors.assessment_list(user=user).get(pk=pk)


def load_action(user, pk):
    return selectors.action_list(user=user).get(pk=pk)


def load_impact(user, pk):
    return selectors.impact_list(user=user).get(pk=pk)


class ServiceFormView(ServiceFormMixin, RecordMixin, View):
    """A form on one record whose valid input goes to one service call (``save``); a refusal
    by the service is shown on the form with its status and nothing is saved."""

    template_name = FORM_TEMPLATE
    title = ""
    intro = ""

    def success_url(self, obj) -> str:
        return system_risk_url(self.system)

    def success_message(self, obj) -> str:
        return f"{getattr(obj, 'reference', obj)} saved."

    def context(self) -> dict:
        return {
            "system": self.system,
            "record": self.record,
            "title": self.title,
            "intro": self.intro,
            "cancel_url": system_risk_url(self.system),
        }


# --- The risk page of one system ------------------------------------------------------------


class SystemRiskView(RecordMixin, View):
    loader = staticmethod(load_system)

    def get(self, request, pk: int):
        system = self.system
        user = request.user
        risks = selectors.risk_list(user=user, filters={"system": system.pk})
        gates = [(Gate(g).label, services.checklist(system, g)) for g in Gate.values]
        classification = (
            Classification.objects.filter(system=system)
            .select_related("classified_by", "submitted_by", "confirmed_by")
            .first()
        )
        return render(
            request,
            "risk/system_risk.html",
            {
                "system": system,
                "classification": classification,
                "obligations": services.obligations_with_dates(classification),
                "review_due": services.classification_review_due(classification),
                "versions": classification.history.select_related("history_user", "confirmed_by")[
                    :20
                ]
                if classification
                else [],
                "can_confirm": classification is not None
                and services.classification_confirm_refusal(user, classification) is None,
                "decision": TierDecision.objects.filter(system=system).first(),
                "gates": gates,
                "risks": risks,
                "assessments": RiskAssessment.objects.filter(system=system).select_related(
                    "assessor"
                ),
                "impacts": ImpactAssessment.objects.filter(system=system).select_related(
                    "signed_off_by"
                ),
                **selectors.heatmaps(risks, system),
                "can_change": can_change_record(user, system),
                "can_classify": services.classification_answer_refusal(user, system) is None,
                "history": with_people(system_risk_history(system)[:50]),
            },
        )


class ClassifyView(ServiceFormView):
    """The questionnaire of one system, for its owner or a governance officer: save as a
    draft, or submit for an officer's confirmation. A new classification starts from the
    answers the intake already gives."""

    loader = staticmethod(load_system)
    template_name = "risk/classification_form.html"
    title = "EU AI Act classification"
    raise_forbidden = True

    def check(self, request) -> None:
        super().check(request)
        why = services.classification_answer_refusal(request.user, self.system)
        if why:
            raise PermissionDenied(why)

    def version_record(self, form):
        # The questionnaire is not a model form: the record it edits is the system's
        # classification, once there is one.
        return Classification.objects.filter(system=self.system).first()

    def make_form(self, data=None):
        existing = Classification.objects.filter(system=self.system).first()
        if existing:
            initial = {
                **ClassificationForm.initial_from(existing.answers),
                "role": existing.role,
                "notes": existing.notes,
            }
        else:
            initial = ClassificationForm.initial_from(
                questionnaire.prefill_from_intake(self.system)
            )
        return ClassificationForm(data, initial=initial)

    def context(self) -> dict:
        existing = Classification.objects.filter(system=self.system).first()
        return {
            **super().context(),
            "classification": existing,
            "review_due": services.classification_review_due(existing),
            "prefilled": existing is None,
            "any_but_none": getattr(questionnaire, "ANY_BUT_NONE", ""),
        }

    def success_message(self, obj) -> str:
        if obj.status == Classification.Status.SUBMITTED:
            return (
                f"{self.system.reference}: answers submitted ({obj.get_result_display()}); a "
                "governance officer confirms the result."
            )
        return f"{self.system.reference}: answers saved as a draft."

    def save(self, form):
        return services.classification_save(
            actor=self.request.user,
            system=self.system,
            answers=form.answers(),
            role=form.cleaned_data["role"],
            notes=form.cleaned_data["notes"],
            submit="submit" in self.request.POST,
        )


def load_classification(user, pk):
    return selectors.classification_list(user=user).get(pk=pk)


class ConfirmClassificationView(ServiceFormView):
    """A governance officer confirms the proposed result, or changes it with a reason."""

    loader = staticmethod(load_classification)
    template_name = "risk/classification_confirm.html"
    title = "Confirm the EU AI Act classification"
    raise_forbidden = True

    def check(self, request) -> None:
        super().check(request)
        if not has_global_perm(request.user, services.classifications.CONFIRM_PERM):
            raise PermissionDenied("Only a governance officer confirms a classification.")

    def make_form(self, data=None):
        return ConfirmClassificationForm(data)

    def context(self) -> dict:
        record = self.record
        return {
            **super().context(),
            "classification": record,
            "obligations": services.obligations_with_dates(record),
            "refusal": services.classification_confirm_refusal(self.request.user, record),
            "unsure_questions": [
                q for q in questionnaire.QUESTIONS if q.key in (record.unsure or [])
            ],
        }

    def save(self, form):
        return services.classification_confirm(
            actor=self.request.user,
            classification=self.record,
            result=form.cleaned_data["result"],
            reason=form.cleaned_data["reason"],
        )

    def success_message(self, obj) -> str:
        result = obj.get_confirmed_result_display()
        return f"{self.system.reference}: classification confirmed ({result})."


class AssessmentCreateView(ServiceFormView):
    loader = staticmethod(load_system)
    permission = "risk.add_riskassessment"
    need_change = True
    title = "Risk assessment"

    def make_form(self, data=None):
        return AssessmentForm(data, initial={"assessed_on": services.today()})

    def save(self, form):
        return services.assessment_save(
            actor=self.request.user,
            assessment=RiskAssessment(system=self.system),
            data=form.cleaned_data,
        )

    def success_url(self, obj):
        return reverse("risk:assessment_detail", args=[obj.pk])


class AssessmentDetailView(RecordMixin, View):
    loader = staticmethod(load_assessment)

    def get(self, request, pk: int):
        return render(
            request,
            "risk/assessment_detail.html",
            {
                "assessment": self.record,
                "system": self.system,
                "risks": self.record.risks.select_related("owner"),
            },
        )


class RiskCreateView(ServiceFormView):
    loader = staticmethod(load_system)
    permission = "risk.add_risk"
    need_change = True
    title = "Risk"

    def make_form(self, data=None):
        return RiskForm(data, system=self.system, methodology=services.methodology_current())

    def save(self, form):
        data = dict(form.cleaned_data)
        if data.get("owner") is None:
            data.pop("owner", None)
        return services.risk_save(actor=self.request.user, risk=Risk(system=self.system), data=data)

    def success_url(self, obj):
        return reverse("risk:risk_detail", args=[obj.pk])


class RiskEditView(RiskCreateView):
    loader = staticmethod(load_risk)
    permission = "risk.change_risk"

    def make_form(self, data=None):
        return RiskForm(
            data,
            instance=Risk.objects.get(pk=self.record.pk),
            system=self.system,
            methodology=services.methodology_current(),
        )

    def save(self, form):
        data = {k: form.cleaned_data[k] for k in services.RISK_FIELDS}
        if data.get("owner") is None:
            data.pop("owner")
        return services.risk_save(actor=self.request.user, risk=self.record, data=data)


class RiskDetailView(RecordMixin, View):
    loader = staticmethod(load_risk)

    def get(self, request, pk: int, form=None, status=200):
        user = request.user
        risk = self.record
        return render(
            request,
            "risk/risk_detail.html",
            {
                "risk": risk,
                "system": self.system,
                "actions": risk.actions.select_related("owner"),
                "can_change": can_change_record(user, self.system),
                "can_accept": has_perm(user, "risk.accept_risk")
                and risk.acceptance == Risk.Acceptance.PENDING
                and user.pk not in (risk.owner_id, self.system.owner_id),
                "accept_form": form or AcceptForm(),
            },
            status=status,
        )


class RiskAcceptView(ServiceFormMixin, RecordMixin, View):
    """The acceptance form of the risk page: a refusal is shown on the risk page's form."""

    loader = staticmethod(load_risk)
    http_method_names = ["post", "options"]

    def make_form(self, data=None):
        return AcceptForm(data)

    def render_form(self, form, status: int = 200, **extra):
        return RiskDetailView.get(self, self.request, self.record.pk, form=form, status=status)

    def save(self, form):
        return services.risk_accept(
            actor=self.request.user,
            risk=self.record,
            justification=form.cleaned_data["justification"],
        )

    def success_message(self, obj) -> str:
        return f"{self.record.reference}: residual risk accepted."

    def success_url(self, obj) -> str:
        return reverse("risk:risk_detail", args=[self.record.pk])


class ActionCreateView(ServiceFormView):
    loader = staticmethod(load_risk)
    permission = "risk.add_treatmentaction"
    need_change = True
    title = "Treatment action"

    def make_form(self, data=None):
        return ActionForm(data)

    def save(self, form):
        data = dict(form.cleaned_data)
        if data.get("owner") is None:
            data.pop("owner")
        return services.action_save(
            actor=self.request.user, action=TreatmentAction(risk=self.record), data=data
        )

    def success_url(self, obj):
        return reverse("risk:risk_detail", args=[self.record.pk])


class ActionEditView(ServiceFormView):
    loader = staticmethod(load_action)
    permission = "risk.change_treatmentaction"
    need_change = True
    title = "Treatment action"

    def make_form(self, data=None):
        return ActionForm(data, instance=TreatmentAction.objects.get(pk=self.record.pk))

    def save(self, form):
        data = dict(form.cleaned_data)
        if data.get("owner") is None:
            data.pop("owner")
        return services.action_save(actor=self.request.user, action=self.record, data=data)

    def success_url(self, obj):
        return reverse("risk:risk_detail", args=[self.record.risk_id])


class ImpactCreateView(ServiceFormView):
    loader = staticmethod(load_system)
    permission = "risk.add_impactassessment"
    need_change = True
    title = "Impact assessment"
    template_name = "risk/impact_form.html"

    def make_form(self, data=None):
        return ImpactForm(data)

    def post(self, request, *args, **kwargs):
        form, _record = self.make_versioned_form(request.POST)  # keeps the version it was loaded at
        if form.adding_harm:  # "Add another harm": the same form, one more row, not saved
            return self.render_form(form)
        return super().post(request, *args, **kwargs)

    def context(self):
        classification = Classification.objects.filter(system=self.system).first()
        return {
            **super().context(),
            "fria_required": bool(classification and classification.fria_required),
        }

    def save(self, form):
        return services.impact_save(
            actor=self.request.user,
            impact=ImpactAssessment(system=self.system),
            data=form.cleaned_data,
        )

    def success_url(self, obj):
        return reverse("risk:impact_detail", args=[obj.pk])


class ImpactEditView(ImpactCreateView):
    loader = staticmethod(load_impact)
    permission = "risk.change_impactassessment"

    def make_form(self, data=None):
        return ImpactForm(data, instance=ImpactAssessment.objects.get(pk=self.record.pk))

    def save(self, form):
        return services.impact_save(
            actor=self.request.user, impact=self.record, data=form.cleaned_data
        )


class ImpactDetailView(RecordMixin, View):
    loader = staticmethod(load_impact)

    def get(self, request, pk: int):
        user = request.user
        impact = self.record
        return render(
            request,
            "risk/impact_detail.html",
            {
                "impact": impact,
                "harms": harms_in_words(impact.harms),
                "system": self.system,
                "can_change": can_change_record(user, self.system),
                "can_sign": has_perm(user, "risk.signoff_impactassessment")
                and impact.status == ImpactAssessment.Status.DRAFT
                and self.system.owner_id != user.pk,
                "sign_form": SignOffForm(),
            },
        )


class ImpactSignOffView(RecordMixin, View):
    loader = staticmethod(load_impact)

    def post(self, request, pk: int):
        form = SignOffForm(request.POST)
        form.is_valid()
        try:
            services.impact_sign_off(
                actor=request.user,
                impact=self.record,
                comment=form.cleaned_data.get("comment", ""),
            )
        except BusinessRuleError as exc:
            if exc.status_code == 403:
                raise PermissionDenied(exc.message) from exc
            messages.error(request, exc.message)
        else:
            messages.success(request, f"{self.record.reference} signed off.")
        return HttpResponseRedirect(reverse("risk:impact_detail", args=[pk]))


# --- Register, export, settings -------------------------------------------------------------


# The export reads plain rows (``values()``, joined to the system and the people): a streamed
# export of every risk builds no model instance, so it keeps its pace and memory at any size.
RISK_CSV = [
    ("Reference", reference_of(Risk)),
    ("AI system", reference_of(AISystem, "system_id")),
    ("System name", value_of("system__name")),
    ("Title", value_of("title")),
    ("Category", label_of(Risk, "category")),
    ("Risk source", label_of(Risk, "risk_source")),
    ("Inherent likelihood", value_of("inherent_likelihood")),
    ("Inherent impact", value_of("inherent_impact")),
    ("Inherent score", value_of("inherent_score")),
    ("Inherent level", label_of(Risk, "inherent_level")),
    ("Treatment", label_of(Risk, "treatment")),
    ("Residual likelihood", value_of("residual_likelihood")),
    ("Residual impact", value_of("residual_impact")),
    ("Residual score", value_of("residual_score")),
    ("Residual level", label_of(Risk, "residual_level")),
    ("Acceptance", label_of(Risk, "acceptance")),
    ("Accepted by", person_of("accepted_by")),
    ("Owner", person_of("owner")),
    ("Review date", moment_of("review_date")),
    ("Methodology version", value_of("methodology_version")),
]
RISK_EXPORT_FIELDS = (
    "id",
    "system_id",
    "system__name",
    "title",
    "category",
    "risk_source",
    "inherent_likelihood",
    "inherent_impact",
    "inherent_score",
    "inherent_level",
    "treatment",
    "residual_likelihood",
    "residual_impact",
    "residual_score",
    "residual_level",
    "acceptance",
    *person_fields("accepted_by"),
    *person_fields("owner"),
    "review_date",
    "methodology_version",
)

#: The register's columns: (sort key, header); the keys are those of ``selectors.RISK_SORTABLE``.
RISK_COLUMNS = [
    ("reference", "Ref."),
    ("title", "Title"),
    ("system", "System"),
    ("category", "Category"),
    ("inherent", "Inherent"),
    ("treatment", "Treatment"),
    ("residual", "Residual"),
    ("acceptance", "Acceptance"),
    ("owner", "Owner"),
]


class RegisterView(LoginRequiredMixin, ListPageMixin, View):
    """The risk register; with ``export="csv"`` or ``"xlsx"`` the file of the same filtered
    risks, every page of them."""

    template_name = "risk/register.html"
    rows_name = "risks"
    filter_form_class = RiskFilterForm
    sortable, default_sort = selectors.RISK_SORTABLE, "-residual"
    export_columns = RISK_CSV
    export_filename = "risk-register.csv"

    def rows(self, filters):
        return selectors.risk_list(user=self.request.user, filters=filters)

    def export_rows(self, rows):
        return rows.values(*RISK_EXPORT_FIELDS)

    def extra_context(self, page) -> dict:
        filters = self.filters
        system = None
        if filters.get("system"):
            system = (
                selectors.visible_systems(self.request.user).filter(pk=filters["system"]).first()
            )
        return {
            "columns": RISK_COLUMNS,
            "scope_system": system,
            "cell": cell_sentence(filters),
        }


HEATMAP_FILTERS = (
    ("inherent_likelihood", "likelihood_scale"),
    ("inherent_impact", "impact_scale"),
    ("residual_likelihood", "likelihood_scale"),
    ("residual_impact", "impact_scale"),
)


def cell_sentence(filters: dict) -> str:
    """The heat-map cell a register page is narrowed to, in words: "Showing risks with
    inherent likelihood 4 (Likely) and inherent impact 3 (Moderate)." Labels are the risk
    fields' names and the current methodology's scale labels; "" when no cell is chosen."""
    chosen = [(name, scale, filters[name]) for name, scale in HEATMAP_FILTERS if filters.get(name)]
    if not chosen:
        return ""
    methodology = services.methodology_current()
    parts = []
    for name, scale, value in chosen:
        label = {step["value"]: step["label"] for step in getattr(methodology, scale)}.get(value)
        field = Risk._meta.get_field(name).verbose_name
        parts.append(f"{field} {value} ({label})" if label else f"{field} {value}")
    return f"Showing risks with {' and '.join(parts)}."


class SettingsMixin(LoginRequiredMixin):
    permission = ""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not has_global_perm(request.user, self.permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class MethodologyView(ServiceFormMixin, SettingsMixin, View):
    permission = "risk.view_methodology"
    template_name = "risk/methodology.html"

    def context(self) -> dict:
        methodology = services.methodology_current()
        matrix = [
            {
                "label": step["label"],
                "value": step["value"],
                "cells": [
                    methodology.level_for(step["value"] * i["value"])
                    for i in methodology.impact_scale
                ],
            }
            for step in reversed(methodology.likelihood_scale)
        ]
        return {
            "methodology": methodology,
            "matrix": matrix,
            "can_change": has_global_perm(self.request.user, "risk.change_methodology"),
            "history": methodology.history.select_related("history_user")[:10],
        }

    def version_record(self, form):
        # Not a model form (the scales are edited as rows): the record is the current one.
        return services.methodology_current()

    def make_form(self, data=None):
        if data is not None:
            return MethodologyForm(data)
        return MethodologyForm(initial=MethodologyForm.initial_for(services.methodology_current()))

    def post(self, request, *args, **kwargs):
        if not has_global_perm(request.user, "risk.change_methodology"):
            raise PermissionDenied
        return super().post(request, *args, **kwargs)

    def save(self, form):
        return services.methodology_update(
            actor=self.request.user,
            data=form.data_for_service(),
            reason=form.cleaned_data["reason"],
        )

    def success_message(self, obj) -> str:
        return "Methodology saved as a new version; past risks keep theirs."

    def success_url(self, obj) -> str:
        return reverse("risk:methodology")


class RequirementsView(SettingsMixin, View):
    permission = "risk.view_tierrequirement"

    def rows(self, data=None):
        rows = []
        for req in TierRequirement.objects.filter(tier__in=TIERS_IN_MATRIX):
            rows.append((req, RequirementForm(data, instance=req, prefix=f"r{req.pk}")))
        return rows

    def render_page(self, request, rows, status=200):
        return render(
            request,
            "risk/requirements.html",
            {
                "rows": rows,
                "can_change": has_global_perm(request.user, "risk.change_tierrequirement"),
            },
            status=status,
        )

    def get(self, request):
        return self.render_page(request, self.rows())

    def post(self, request):
        if not has_global_perm(request.user, "risk.change_tierrequirement"):
            raise PermissionDenied
        rows = self.rows(request.POST)
        if not all(form.is_valid() for _, form in rows):
            return self.render_page(request, rows, 400)
        changed = 0
        for req, form in rows:
            if form.has_changed():
                data = {k: form.cleaned_data[k] for k in form.changed_data}
                services.tier_requirement_update(actor=request.user, requirement=req, data=data)
                changed += 1
        messages.success(request, f"Requirements matrix saved ({changed} row(s) changed).")
        return HttpResponseRedirect(reverse("risk:requirements"))


class ObligationDatesView(ServiceFormMixin, SettingsMixin, View):
    """The dates obligations apply from: the timeline and override dates (officers)."""

    permission = "risk.view_obligationtimeline"
    template_name = "risk/obligation_dates.html"

    def context(self) -> dict:
        timeline = services.timeline_current()
        return {
            "timeline": timeline,
            "rows": services.timeline_rows(timeline),
            "can_change": has_global_perm(self.request.user, "risk.change_obligationtimeline"),
            "history": timeline.history.select_related("history_user")[:10],
        }

    def version_record(self, form):
        # Not a model form (overrides are edited as rows): the record is the current one.
        return services.timeline_current()

    def make_form(self, data=None):
        if data is not None:
            return ObligationTimelineForm(data)
        return ObligationTimelineForm(
            initial=ObligationTimelineForm.initial_for(services.timeline_current())
        )

    def post(self, request, *args, **kwargs):
        if not has_global_perm(request.user, "risk.change_obligationtimeline"):
            raise PermissionDenied
        return super().post(request, *args, **kwargs)

    def save(self, form):
        return services.timeline_update(
            actor=self.request.user,
            data=form.data_for_service(),
            reason=form.cleaned_data["reason"],
        )

    def success_message(self, obj) -> str:
        return f"Obligation dates: {obj.get_timeline_display()}."

    def success_url(self, obj) -> str:
        return reverse("risk:obligation_dates")
