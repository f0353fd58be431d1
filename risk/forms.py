"""Browser forms of the risk app: shape of input only; the rules are in risk.services."""

import json

from django import forms
from django.contrib.auth import get_user_model
from django.forms.utils import ErrorDict

from aims.forms import BootstrapFormMixin
from aims.models import record_number
from aims.people import PersonChoiceField
from inventory.models import RiskTier

from . import classification as questionnaire
from .models import (
    CONFIRMABLE,
    ImpactAssessment,
    Level,
    ObligationTimeline,
    Risk,
    RiskAssessment,
    TierRequirement,
    TreatmentAction,
    default_impact_scale,
    default_likelihood_scale,
)
from .services import IMPACT_FIELDS, REQUIREMENT_FIELDS, REVERSIBILITY

User = get_user_model()
TEXTAREA = {"rows": 3}
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


YES, NO = "yes", "no"
YES_NO_UNSURE = [(YES, "Yes"), (NO, "No"), (questionnaire.UNSURE, "Not sure")]


class ClassificationForm(BootstrapFormMixin, forms.Form):
    """The questionnaire: yes / no / not sure radios, choices as radios or (several may be
    picked) checkboxes, each with "not sure". A question left blank stays blank: the engine
    says which of the questions asked (given the other answers) still need an answer, and
    refuses contradictions; its errors land on the questions' own fields."""

    role = forms.ChoiceField(
        label="The organisation's role for this system",
        choices=questionnaire.ROLES,
        widget=forms.RadioSelect,
        # Checked with the answers by the questionnaire, so every error shows at once.
        required=False,
        help_text="Provider: develops it (or has it developed) and puts it on the market or "
        "into service under its own name. Deployer: uses it under its authority. Importer, "
        "distributor, product manufacturer: as the Act defines them (Art. 3).",
    )
    notes = forms.CharField(
        label="Notes and sources", required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for question in questionnaire.QUESTIONS:
            self.fields[question.key] = _question_field(question)
        # The questions first, in the Act's order; the role and notes close the form.
        self.order_fields([q.key for q in questionnaire.QUESTIONS] + ["role", "notes"])

    @staticmethod
    def initial_from(answers: dict) -> dict:
        """Form values from stored (or pre-filled) answers."""
        initial = {}
        for question in questionnaire.QUESTIONS:
            if question.key not in answers:
                continue
            value = answers[question.key]
            if value is True:
                value = YES
            elif value is False:
                value = NO
            elif question_many(question) and value == questionnaire.UNSURE:
                value = [questionnaire.UNSURE]
            initial[question.key] = value
        return initial

    def questions(self) -> list[dict]:
        """Each question with its field, section, reference, examples and ``show_if``."""
        out = []
        for question in questionnaire.QUESTIONS:
            out.append(
                {
                    "question": question,
                    "field": self[question.key],
                    "show_if": json.dumps(
                        {k: list(v) for k, v in (getattr(question, "show_if", {}) or {}).items()}
                    ),
                    "examples": list(getattr(question, "examples", ()) or ()),
                    "reference": getattr(question, "reference", ""),
                }
            )
        return out

    def sections(self) -> list[tuple[str, list[dict]]]:
        grouped: dict[str, list[dict]] = {}
        for item in self.questions():
            grouped.setdefault(item["question"].section, []).append(item)
        return list(grouped.items())

    def answers(self) -> dict:
        """The answers in the engine's shape; blank questions are left out."""
        out: dict = {}
        for question in questionnaire.QUESTIONS:
            value = self.cleaned_data.get(question.key)
            if value in (None, "", []):
                continue
            if not question.choices:
                value = {YES: True, NO: False}.get(value, value)
            elif question_many(question) and questionnaire.UNSURE in value:
                value = questionnaire.UNSURE
            out[question.key] = value
        return out


def question_many(question) -> bool:
    return bool(getattr(question, "many", False))


def _question_field(q) -> forms.Field:
    label = q.text
    if not q.choices:
        return forms.ChoiceField(
            label=label,
            help_text=q.help,
            choices=YES_NO_UNSURE,
            required=False,
            widget=forms.RadioSelect,
        )
    choices = [*q.choices, (questionnaire.UNSURE, "Not sure")]
    if question_many(q):
        return forms.MultipleChoiceField(
            label=label,
            help_text=q.help,
            choices=choices,
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )
    return forms.ChoiceField(
        label=label, help_text=q.help, choices=choices, required=False, widget=forms.RadioSelect
    )


class ConfirmClassificationForm(BootstrapFormMixin, forms.Form):
    """A governance officer confirms the proposed result or changes it with a reason."""

    result = forms.ChoiceField(
        label="Confirmed result",
        choices=[("", "The proposed result")] + CONFIRMABLE,
        required=False,
        help_text="Leave on the proposed result to confirm it; another result changes it.",
    )
    reason = forms.CharField(
        label="Reason",
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text="Required when you change the result, or when an answer was 'not sure'.",
    )


class ObligationTimelineForm(BootstrapFormMixin, forms.Form):
    """The timeline and an optional override date per key of the dates table."""

    timeline = forms.ChoiceField(
        label="Timeline",
        choices=ObligationTimeline.Timeline.choices,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label="Reason for the change", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, entry in questionnaire.APPLICATION_DATES.items():
            self.fields[f"override_{key}"] = forms.DateField(
                label=f"{entry.label}: override date",
                required=False,
                widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}),
                help_text=f"The Act: {entry.act:%d %B %Y}; the Digital Omnibus proposal: "
                f"{entry.omnibus:%d %B %Y}. Empty: the chosen timeline's date.",
            )

    @staticmethod
    def initial_for(timeline: ObligationTimeline) -> dict:
        return {
            "timeline": timeline.timeline,
            **{f"override_{k}": v for k, v in timeline.overrides.items()},
        }

    def override_fields(self):
        return [self[f"override_{key}"] for key in questionnaire.APPLICATION_DATES]

    def data_for_service(self) -> dict:
        return {
            "timeline": self.cleaned_data["timeline"],
            "overrides": {
                key: self.cleaned_data[f"override_{key}"].isoformat()
                for key in questionnaire.APPLICATION_DATES
                if self.cleaned_data.get(f"override_{key}")
            },
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

    owner = PersonChoiceField(
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
    owner = PersonChoiceField(
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


def _scale_choices(scale: list[dict]) -> list[tuple]:
    return [("", "Choose…")] + [
        (step["value"], f"{step['value']} – {step['label']}") for step in scale
    ]


# Harms are scored 1 to 5 on the default scales' words, whatever the risk methodology says.
SEVERITY_CHOICES = _scale_choices(default_impact_scale())
LIKELIHOOD_CHOICES = _scale_choices(default_likelihood_scale())
REVERSIBILITY_LABELS = {
    "reversible": "Reversible",
    "partly_reversible": "Partly reversible",
    "irreversible": "Irreversible",
}
REVERSIBILITY_CHOICES = [("", "Choose…")] + [(v, REVERSIBILITY_LABELS[v]) for v in REVERSIBILITY]


def harms_in_words(harms: list[dict]) -> list[dict]:
    """Stored harms with their scores and reversibility as people read them ("4 – Major")."""
    severity, likelihood = dict(SEVERITY_CHOICES), dict(LIKELIHOOD_CHOICES)
    return [
        {
            **harm,
            "severity_label": severity.get(harm.get("severity"), harm.get("severity")),
            "likelihood_label": likelihood.get(harm.get("likelihood"), harm.get("likelihood")),
            "reversibility_label": REVERSIBILITY_LABELS.get(
                harm.get("reversibility"), harm.get("reversibility")
            ),
        }
        for harm in harms or []
    ]


class HarmForm(BootstrapFormMixin, forms.Form):
    """One potential harm: a row of labelled inputs. A row left empty is no harm."""

    description = forms.CharField(
        label="Harm", max_length=1000, error_messages={"required": "Describe the harm."}
    )
    severity = forms.TypedChoiceField(
        label="Severity",
        choices=SEVERITY_CHOICES,
        coerce=int,
        error_messages={"required": "Choose how severe the harm would be."},
    )
    likelihood = forms.TypedChoiceField(
        label="Likelihood",
        choices=LIKELIHOOD_CHOICES,
        coerce=int,
        error_messages={"required": "Choose how likely the harm is."},
    )
    reversibility = forms.ChoiceField(
        label="Reversibility",
        choices=REVERSIBILITY_CHOICES,
        error_messages={"required": "Choose whether the harm can be undone."},
    )


HarmFormSet = forms.formset_factory(HarmForm, extra=1, can_delete=True, max_num=50)
HARM_PREFIX = "harm"
HARM_KEYS = ("description", "severity", "likelihood", "reversibility")
ADD_HARM = "add_harm"


class ImpactForm(BootstrapFormMixin, forms.ModelForm):
    """The impact assessment, with its harms as rows (``harms_formset``): one empty row to
    fill, "Add another harm" (a submit button, no script needed) for more, "Remove" per row.
    ``cleaned_data["harms"]`` keeps the stored shape: a list of {description, severity,
    likelihood, reversibility}."""

    class Meta:
        model = ImpactAssessment
        fields = [f for f in IMPACT_FIELDS if f != "harms"]
        widgets = {name: forms.Textarea(attrs=TEXTAREA) for name in fields if name != "title"}

    def __init__(self, data=None, *args, **kwargs):
        total = f"{HARM_PREFIX}-TOTAL_FORMS"
        # A post without the rows (an older client) leaves the stored harms as they are.
        self.harms_posted = data is not None and total in data
        self.adding_harm = self.harms_posted and ADD_HARM in data
        if self.adding_harm:
            data = data.copy()
            count = data.get(total) or "0"
            number = record_number(count)
            data[total] = str(number + 1 if number is not None else 1)
        super().__init__(data, *args, **kwargs)
        harms = self.instance.harms if self.instance.pk else []
        self.harms_formset = HarmFormSet(
            data, prefix=HARM_PREFIX, initial=[dict(h) for h in harms or []]
        )

    def is_valid(self) -> bool:
        return not self.adding_harm and super().is_valid()

    def full_clean(self):
        if self.adding_harm:
            # Only a row was asked for: nothing is checked yet, nothing is saved.
            self._errors, self.cleaned_data = ErrorDict(), {}
            return
        super().full_clean()
        if not self.harms_posted:
            return
        if not self.harms_formset.is_valid():
            self.add_error(None, "Check the harms: each row needs all four answers.")
            return
        self.cleaned_data["harms"] = [
            {key: row.cleaned_data[key] for key in HARM_KEYS}
            for row in self.harms_formset
            if row.cleaned_data and not row.cleaned_data.get("DELETE")
        ]


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
