"""Browser forms of the risk app: shape of input only; the rules are in risk.services."""

from django import forms
from django.contrib.auth import get_user_model

from aims.forms import BootstrapFormMixin
from inventory.models import RiskTier

from . import classification as questionnaire
from .models import (
    ImpactAssessment,
    Level,
    Risk,
    RiskAssessment,
    TierRequirement,
    TreatmentAction,
)
from .services import IMPACT_FIELDS, REQUIREMENT_FIELDS, REVERSIBILITY

User = get_user_model()
TEXTAREA = {"rows": 3}
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ClassificationForm(BootstrapFormMixin, forms.Form):
    role = forms.ChoiceField(
        label="The organisation's role for this system",
        choices=questionnaire.ROLES,
        help_text="Provider: develops it or has it developed and puts it on the market under "
        "its name. Deployer: uses it under its authority.",
    )
    notes = forms.CharField(
        label="Notes and sources", required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )

    def sections(self):
        grouped: dict[str, list] = {}
        for q in questionnaire.QUESTIONS:
            grouped.setdefault(q.section, []).append(self[q.key])
        grouped.setdefault("Role", [])
        grouped["Role"] += [self["role"], self["notes"]]
        return list(grouped.items())

    def answers(self) -> dict:
        return {q.key: self.cleaned_data[q.key] for q in questionnaire.QUESTIONS}


def _question_field(q) -> forms.Field:
    if q.choices:
        return forms.ChoiceField(label=q.text, help_text=q.help, choices=q.choices, initial="none")
    return forms.BooleanField(label=q.text, help_text=q.help, required=False)


ClassificationForm.base_fields = {
    **{q.key: _question_field(q) for q in questionnaire.QUESTIONS},
    **ClassificationForm.base_fields,
}


class AssessmentForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = RiskAssessment
        fields = ["title", "assessed_on", "scope", "method", "participants", "conclusion"]
        widgets = {
            "assessed_on": DATE,
            "scope": forms.Textarea(attrs=TEXTAREA),
            "method": forms.Textarea(attrs=TEXTAREA),
            "participants": forms.Textarea(attrs={"rows": 2}),
            "conclusion": forms.Textarea(attrs=TEXTAREA),
        }


class RiskForm(BootstrapFormMixin, forms.ModelForm):
    """Scores are checked against the methodology by the service (field errors)."""

    owner = forms.ModelChoiceField(
        queryset=User.objects.filter(is_active=True).order_by("username"),
        required=False,
        help_text="Empty: the system owner.",
    )
    inherent_likelihood = forms.IntegerField(min_value=1)
    inherent_impact = forms.IntegerField(min_value=1)
    residual_likelihood = forms.IntegerField(min_value=1)
    residual_impact = forms.IntegerField(min_value=1)

    class Meta:
        model = Risk
        fields = [
            "title",
            "description",
            "category",
            "risk_source",
            "assessment",
            "inherent_likelihood",
            "inherent_impact",
            "treatment",
            "residual_likelihood",
            "residual_impact",
            "owner",
            "review_date",
        ]
        widgets = {"description": forms.Textarea(attrs=TEXTAREA), "review_date": DATE}

    def __init__(self, *args, system=None, methodology=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessment"].queryset = RiskAssessment.objects.filter(system=system)
        if methodology is not None:
            for key in ("inherent_likelihood", "residual_likelihood"):
                self.fields[key].help_text = _scale_help(methodology.likelihood_scale)
            for key in ("inherent_impact", "residual_impact"):
                self.fields[key].help_text = _scale_help(methodology.impact_scale)

    def _post_clean(self):
        """The service validates the record (owner defaults are filled there)."""


def _scale_help(scale: list[dict]) -> str:
    return "; ".join(f"{s['value']} {s['label']}" for s in scale)


class AcceptForm(BootstrapFormMixin, forms.Form):
    justification = forms.CharField(widget=forms.Textarea(attrs=TEXTAREA))


class ActionForm(BootstrapFormMixin, forms.ModelForm):
    owner = forms.ModelChoiceField(
        queryset=User.objects.filter(is_active=True).order_by("username"),
        required=False,
        help_text="Empty: the risk owner.",
    )

    class Meta:
        model = TreatmentAction
        fields = ["title", "owner", "due_date", "status", "notes"]
        widgets = {"due_date": DATE, "notes": forms.Textarea(attrs={"rows": 2})}

    def _post_clean(self):
        """The service validates the record (owner defaults are filled there)."""


class HarmsField(forms.CharField):
    """One harm per line: description | severity 1-5 | likelihood 1-5 | reversibility."""

    widget = forms.Textarea(attrs={"rows": 4})

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(
                f"{h['description']} | {h['severity']} | {h['likelihood']} | {h['reversibility']}"
                for h in value
            )
        return value

    def to_python(self, value):
        text = super().to_python(value)
        harms = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")]
            if len(parts) != 4 or not parts[1].isdigit() or not parts[2].isdigit():
                raise forms.ValidationError(
                    f"Line {number}: write 'description | severity 1-5 | likelihood 1-5 | "
                    f"reversibility' ({', '.join(REVERSIBILITY)})."
                )
            harms.append(
                {
                    "description": parts[0],
                    "severity": int(parts[1]),
                    "likelihood": int(parts[2]),
                    "reversibility": parts[3],
                }
            )
        return harms


class ImpactForm(BootstrapFormMixin, forms.ModelForm):
    harms = HarmsField(
        required=False,
        help_text="One harm per line: description | severity 1-5 | likelihood 1-5 | "
        "reversible, partly_reversible or irreversible.",
    )

    class Meta:
        model = ImpactAssessment
        fields = list(IMPACT_FIELDS)
        widgets = {
            name: forms.Textarea(attrs=TEXTAREA)
            for name in fields
            if name not in ("title", "harms")
        }


class SignOffForm(BootstrapFormMixin, forms.Form):
    comment = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class MethodologyForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(max_length=200)
    likelihood_scale = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="One step per line, lowest first: 'Label: description'.",
    )
    impact_scale = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="One step per line, lowest first: 'Label: description'.",
    )
    low_max = forms.IntegerField(label="Highest 'low' score", min_value=1)
    medium_max = forms.IntegerField(label="Highest 'medium' score", min_value=1)
    high_max = forms.IntegerField(label="Highest 'high' score (above: critical)", min_value=1)
    appetite = forms.ChoiceField(
        choices=Level.choices,
        help_text="The highest residual level accepted without an approver's sign-off.",
    )
    reason = forms.CharField(
        label="Why the change", widget=forms.Textarea(attrs={"rows": 2}), required=True
    )

    @staticmethod
    def initial_for(methodology) -> dict:
        def lines(scale):
            return "\n".join(f"{s['label']}: {s['description']}" for s in scale)

        return {
            "name": methodology.name,
            "likelihood_scale": lines(methodology.likelihood_scale),
            "impact_scale": lines(methodology.impact_scale),
            "low_max": methodology.thresholds["low"],
            "medium_max": methodology.thresholds["medium"],
            "high_max": methodology.thresholds["high"],
            "appetite": methodology.appetite,
        }

    def data_for_service(self) -> dict:
        def scale(text):
            steps = []
            for line in text.splitlines():
                if line.strip():
                    label, _, description = line.partition(":")
                    steps.append({"label": label.strip(), "description": description.strip()})
            return steps

        c = self.cleaned_data
        return {
            "name": c["name"],
            "likelihood_scale": scale(c["likelihood_scale"]),
            "impact_scale": scale(c["impact_scale"]),
            "thresholds": {"low": c["low_max"], "medium": c["medium_max"], "high": c["high_max"]},
            "appetite": c["appetite"],
        }


class RequirementForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = TierRequirement
        fields = list(REQUIREMENT_FIELDS)


class RiskFilterForm(BootstrapFormMixin, forms.Form):
    q = forms.CharField(required=False, label="Search")
    system = forms.IntegerField(required=False, widget=forms.HiddenInput)
    category = forms.ChoiceField(required=False, choices=[("", "Any")] + Risk.Category.choices)
    treatment = forms.ChoiceField(required=False, choices=[("", "Any")] + Risk.Treatment.choices)
    residual_level = forms.ChoiceField(
        required=False, label="Residual level", choices=[("", "Any")] + Level.choices
    )
    acceptance = forms.ChoiceField(required=False, choices=[("", "Any")] + Risk.Acceptance.choices)
    inherent_likelihood = forms.IntegerField(required=False, widget=forms.HiddenInput)
    inherent_impact = forms.IntegerField(required=False, widget=forms.HiddenInput)
    residual_likelihood = forms.IntegerField(required=False, widget=forms.HiddenInput)
    residual_impact = forms.IntegerField(required=False, widget=forms.HiddenInput)
    review_overdue = forms.BooleanField(required=False, label="Review overdue")


TIERS_IN_MATRIX = [t for t in RiskTier.values if t != RiskTier.PROHIBITED]
