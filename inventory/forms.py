from django import forms
from django.contrib.auth import get_user_model

from aims.forms import BootstrapFormMixin, DateInput
from aims.people import PersonChoiceField

from .models import (
    AISystem,
    Approval,
    BusinessUnit,
    ChangeRequest,
    Component,
    Dataset,
    DeploymentType,
    GateSetting,
    LifecycleStage,
    RiskTier,
    ValidationRecord,
)
from .services import INTAKE_FIELDS, triage_candidates

User = get_user_model()

# The guided intake, in the order a system owner thinks about a use case.
INTAKE_SECTIONS = [
    ("The use case", ["name", "purpose", "expected_benefit", "business_unit"]),
    ("People", ["intended_users", "affected_groups", "user_facing"]),
    ("Data", ["data_description", "personal_data", "used_in_eu"]),
    ("Technology", ["deployment_type", "ai_technique", "vendor", "model_name"]),
    ("Autonomy and oversight", ["decision_impact", "human_oversight"]),
    ("Risks you already know of", ["known_risks"]),
]


class IntakeForm(BootstrapFormMixin, forms.ModelForm):
    vendor = forms.CharField(
        max_length=200, required=False, help_text="Who provides the model or service, if anyone."
    )
    model_name = forms.CharField(
        label="Model",
        max_length=200,
        required=False,
        help_text="For example 'GPT-4o' or 'in-house XGBoost v3'.",
    )

    class Meta:
        model = AISystem
        fields = list(INTAKE_FIELDS)
        labels = {"name": "Name of the system or use case"}
        help_texts = {
            "expected_benefit": "What gets better, for whom, and how you will know.",
            "intended_users": "Roles or teams who operate it or read its outputs.",
            "data_description": "Inputs, training or reference data, and where they come from.",
            "decision_impact": "How much the system decides on its own.",
            "known_risks": "Anything that could go wrong: bias, errors, misuse, privacy, vendor.",
        }
        widgets = {
            f: forms.Textarea
            for f in (
                "purpose",
                "expected_benefit",
                "intended_users",
                "affected_groups",
                "data_description",
                "known_risks",
            )
        }

    def sections(self):
        return [(title, [self[name] for name in names]) for title, names in INTAKE_SECTIONS]


class SystemEditForm(BootstrapFormMixin, forms.ModelForm):
    owner = PersonChoiceField(queryset=User.objects.filter(is_active=True).order_by("username"))
    oversight_person = PersonChoiceField(
        label="Human oversight person",
        queryset=User.objects.filter(is_active=True).order_by("username"),
        required=False,
        help_text="Who exercises human oversight. On a high-tier system they need in-date "
        "training for the 'human oversight' role.",
    )
    oversight_exception = forms.CharField(
        label="Oversight training exception",
        widget=forms.Textarea,
        required=False,
        max_length=2000,
        help_text="Only when the oversight person lacks the required training: why they "
        "should oversee the system anyway. Recorded with your name.",
    )
    oversight_exception_expires_on = forms.DateField(
        label="Exception ends on",
        widget=DateInput,
        required=False,
        help_text="Required with an exception: the last day it counts.",
    )

    class Meta:
        model = AISystem
        fields = [
            *INTAKE_FIELDS,
            "review_cadence_months",
            "next_review_date",
            "in_aims_scope",
            "oversight_person",
            "owner",
        ]
        widgets = {
            **IntakeForm.Meta.widgets,
            "next_review_date": DateInput,
        }

    def __init__(self, *args, can_change_owner: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_change_owner:
            del self.fields["owner"]
            # Exceptions are for governance officers, the same people who hand systems over.
            del self.fields["oversight_exception"]
            del self.fields["oversight_exception_expires_on"]


class SystemFilterForm(BootstrapFormMixin, forms.Form):
    q = forms.CharField(
        label="Search",
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "Name, purpose or AIS-0001"}),
    )
    lifecycle_stage = forms.ChoiceField(
        label="Stage", required=False, choices=[("", "Any stage"), *LifecycleStage.choices]
    )
    risk_tier = forms.ChoiceField(
        label="Risk tier", required=False, choices=[("", "Any tier"), *RiskTier.choices]
    )
    business_unit = forms.ChoiceField(
        label="Business unit", required=False, choices=[("", "Any unit"), *BusinessUnit.choices]
    )
    deployment_type = forms.ChoiceField(
        label="Deployment",
        required=False,
        choices=[("", "Any deployment"), *DeploymentType.choices],
    )
    review_overdue = forms.BooleanField(label="Review overdue", required=False)
    in_aims_scope = forms.ChoiceField(
        label="AIMS scope",
        required=False,
        choices=[("", "In scope or not"), ("yes", "In the AIMS scope"), ("no", "Out of scope")],
    )


class ApprovalForm(BootstrapFormMixin, forms.Form):
    decision = forms.ChoiceField(choices=Approval.Decision.choices, widget=forms.RadioSelect)
    conditions = forms.CharField(
        widget=forms.Textarea,
        required=False,
        help_text="Required when approving with conditions: one condition a line. Each becomes "
        "a condition record that the next gate waits for.",
    )
    conditions_due_on = forms.DateField(
        label="Conditions due on",
        widget=DateInput,
        required=False,
        help_text="The date by which the conditions must be met.",
    )
    conditions_owner = PersonChoiceField(
        label="Who meets the conditions",
        queryset=User.objects.filter(is_active=True).order_by("username"),
        required=False,
        help_text="Leave empty for the system's owner.",
    )
    comment = forms.CharField(
        widget=forms.Textarea,
        required=False,
        help_text="Required when rejecting or requesting changes.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].widget.attrs["class"] = "form-check-input"


class TriageForm(BootstrapFormMixin, forms.Form):
    """Shape of the triage details; the rules (who may be assigned, the date) are the
    service's (services.triage_input_errors)."""

    assignee = PersonChoiceField(
        label="Assigned to",
        queryset=User.objects.none(),
        help_text="The governance officer who works the intake through.",
    )
    target_date = forms.DateField(
        label="Target date",
        widget=DateInput,
        help_text="When the intake should be ready for its gate decision.",
    )
    notes = forms.CharField(
        label="Triage notes",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        help_text="What to look at first, who else to ask, what is missing from the intake.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = triage_candidates()


class ValidationReviewForm(BootstrapFormMixin, forms.Form):
    note = forms.CharField(
        label="Review note",
        widget=forms.Textarea,
        required=False,
        max_length=5000,
        help_text="What you checked: method, data, thresholds, the result.",
    )


class ConditionCloseForm(BootstrapFormMixin, forms.Form):
    note = forms.CharField(widget=forms.Textarea, max_length=5000, required=False)
    evidence_file = forms.FileField(required=False, help_text="Optional.")
    evidence_url = forms.URLField(label="Or evidence link", required=False, assume_scheme="https")

    def __init__(self, *args, outcome: str = "met", **kwargs):
        super().__init__(*args, **kwargs)
        if outcome == "met":
            self.fields["note"].label = "How the condition was met"
        else:
            self.fields["note"].label = "Why it is waived"
            del self.fields["evidence_file"]
            del self.fields["evidence_url"]


class ComponentForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Component
        fields = ["kind", "name", "version", "provider", "supplier", "model_identifier", "notes"]
        widgets = {"notes": forms.Textarea}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from suppliers.models import Supplier

        self.fields["supplier"].queryset = Supplier.objects.exclude(status="offboarded")


class DatasetForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Dataset
        fields = ["name", "use", "source", "personal_data", "licence", "quality_checks"]
        widgets = {"source": forms.Textarea, "quality_checks": forms.Textarea}


class ValidationRecordForm(BootstrapFormMixin, forms.ModelForm):
    evidence_file = forms.FileField(required=False, help_text="Report, notebook export or results.")
    evidence_url = forms.URLField(label="Or evidence link", required=False, assume_scheme="https")

    class Meta:
        model = ValidationRecord
        fields = ["test_type", "title", "method", "result", "performed_on", "summary"]
        widgets = {"method": forms.Textarea, "summary": forms.Textarea, "performed_on": DateInput}


class ChangeRequestForm(BootstrapFormMixin, forms.ModelForm):
    is_material = forms.BooleanField(
        label="Material change",
        required=False,
        initial=True,
        help_text="A material change sends the system back through the release gate. On a "
        "medium or high tier only a governance officer may record a change as not material.",
    )

    class Meta:
        model = ChangeRequest
        fields = ["kind", "title", "description", "is_material"]
        widgets = {"description": forms.Textarea}


class MaterialityDecisionForm(BootstrapFormMixin, forms.Form):
    material = forms.TypedChoiceField(
        label="Is the change material?",
        choices=[
            ("yes", "Material: apply it and send the system back through the release gate"),
            ("no", "Not material: apply it and record it"),
        ],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        widget=forms.Textarea,
        max_length=2000,
        help_text="Why the change is or is not material; kept with your name.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["material"].widget.attrs["class"] = "form-check-input"


class GateSettingForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = GateSetting
        fields = ["required_approvals"]


# --- The guided intake (services.drafts) ------------------------------------------------------

INTAKE_STEPS = {
    1: "Purpose and people affected",
    2: "How it decides and oversight",
    3: "Data and vendors",
    4: "Review and submit",
}


class IntakeStepForm(BootstrapFormMixin, forms.ModelForm):
    """One step of the guided intake: the intake's own fields, labels and validation (the
    model's), a step at a time. ``answers`` gives what the draft holds so far."""

    class Meta:
        model = AISystem
        fields: list[str] = []
        labels = IntakeForm.Meta.labels
        help_texts = IntakeForm.Meta.help_texts
        widgets = IntakeForm.Meta.widgets

    def __init__(self, data=None, *, user=None, answers=None, **kwargs):
        super().__init__(data, initial=dict(answers or {}), **kwargs)
        self.user = user

    def answers(self) -> dict:
        """The cleaned input as a draft stores it (JSON: a supplier by its id)."""
        return {
            name: (value.pk if hasattr(value, "pk") else value)
            for name, value in self.cleaned_data.items()
        }


class IntakeStep1Form(IntakeStepForm):
    class Meta(IntakeStepForm.Meta):
        fields = [
            "name",
            "purpose",
            "expected_benefit",
            "business_unit",
            "intended_users",
            "affected_groups",
            "user_facing",
        ]


class IntakeStep2Form(IntakeStepForm):
    class Meta(IntakeStepForm.Meta):
        fields = [
            "deployment_type",
            "ai_technique",
            "decision_impact",
            "human_oversight",
            "known_risks",
        ]


class IntakeStep3Form(IntakeStepForm):
    personal_data_details = forms.CharField(
        label="Which personal data, about whom",
        widget=forms.Textarea,
        required=False,
        max_length=2000,
        help_text="Only when it uses personal data: the kinds of data, whose, and why they "
        "are needed.",
    )
    uses_third_party = forms.BooleanField(
        label="It uses a model or service from a third party",
        required=False,
        help_text="A vendor's model, API or platform, rather than one built in-house.",
    )
    supplier = forms.ModelChoiceField(
        label="Supplier",
        queryset=None,
        required=False,
        empty_label="Choose from the supplier register",
        help_text="Who provides the model or service.",
    )
    proposed_supplier = forms.CharField(
        label="Not listed? Name the supplier",
        max_length=200,
        required=False,
        help_text="The governance officers are told when you submit, and add it to the register.",
    )
    model_name = forms.CharField(
        label="Model or service",
        max_length=200,
        required=False,
        help_text="For example 'GPT-4o' or 'Document AI'.",
    )

    class Meta(IntakeStepForm.Meta):
        fields = ["data_description", "personal_data", "used_in_eu"]

    # Questions asked only given an earlier answer: (field, the answer it depends on, values).
    CONDITIONS = {
        "personal_data_details": ("personal_data", ("personal", "special")),
        "supplier": ("uses_third_party", ("on",)),
        "proposed_supplier": ("uses_third_party", ("on",)),
        "model_name": ("uses_third_party", ("on",)),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .selectors import supplier_choices

        self.fields["supplier"].queryset = supplier_choices(user=self.user)
        for name, (depends_on, values) in self.CONDITIONS.items():
            self.fields[name].widget.attrs.update(
                {"data-show-if": f"id_{depends_on}", "data-show-values": ",".join(values)}
            )

    def clean(self):
        data = super().clean()
        personal = data.get("personal_data") not in (None, "", "none")
        if personal and not (data.get("personal_data_details") or "").strip():
            self.add_error(
                "personal_data_details", "Say which personal data it uses and about whom."
            )
        if not personal:
            data["personal_data_details"] = ""
        if data.get("uses_third_party"):
            if not data.get("supplier") and not (data.get("proposed_supplier") or "").strip():
                self.add_error(
                    "supplier",
                    "Choose the supplier, or name it under 'Not listed? Name the supplier'.",
                )
        else:
            for name in ("supplier", "proposed_supplier", "model_name"):
                data[name] = None if name == "supplier" else ""
        return data


STEP_FORMS = {1: IntakeStep1Form, 2: IntakeStep2Form, 3: IntakeStep3Form}
