from django import forms
from django.contrib.auth import get_user_model

from aims.forms import BootstrapFormMixin, DateInput, TextLimitFormMixin
from aims.models import CorrectiveAction
from aims.people import choice_label
from inventory.filter_fields import offer_systems
from inventory.models import AISystem

from .models import (
    MAX_TARGET_HOURS,
    SEVERITY_DEFINITIONS,
    Category,
    Incident,
    IncidentTimeTarget,
    Metric,
    ReportKind,
    SeriousCase,
    Severity,
    Status,
)
from .services import DETAIL_FIELDS

User = get_user_model()


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def severity_help() -> str:
    return " ".join(
        f"{Severity(k).label.split(' ')[0]}: {v}" for k, v in SEVERITY_DEFINITIONS.items()
    )


class IncidentForm(BootstrapFormMixin, forms.ModelForm):
    other_systems = forms.ModelMultipleChoiceField(
        queryset=AISystem.objects.none(),
        required=False,
        label="Other affected AI systems",
        help_text="Hold Ctrl (or Cmd) to pick several.",
    )
    aware_at = forms.DateTimeField(
        label="Became aware at",
        required=False,
        widget=DateTimeInput(),
        help_text="When the organisation became aware (now if empty); regulatory clocks start "
        "here.",
    )

    class Meta:
        model = Incident
        fields = [
            "system",
            "other_systems",
            "title",
            "description",
            "severity",
            "detection_channel",
            "category",
            "people_affected",
            "impact",
            "flagged_high_risk",
        ]

    def __init__(self, *args, systems=None, **kwargs):
        super().__init__(*args, **kwargs)
        systems = systems if systems is not None else AISystem.objects.none()
        self.fields["system"].queryset = systems
        self.fields["other_systems"].queryset = systems
        self.fields["severity"].widget = forms.RadioSelect(choices=Severity.choices)
        self.fields["severity"].help_text = ""  # definitions are shown beside each choice
        self.severity_definitions = [
            (value, label, SEVERITY_DEFINITIONS[value]) for value, label in Severity.choices
        ]


class IncidentEditForm(BootstrapFormMixin, forms.ModelForm):
    """The details of an incident. Once it is serious, its awareness time is shown but not
    editable (``awareness_locked``): an officer corrects it by its own action, with a reason.
    A value posted anyway reaches the service, which refuses it with the rule's code."""

    class Meta:
        model = Incident
        fields = list(DETAIL_FIELDS)
        widgets = {"aware_at": DateTimeInput()}

    def __init__(self, *args, awareness_locked: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.awareness_locked = awareness_locked
        if awareness_locked:
            field = self.fields["aware_at"]
            field.required = False
            field.widget.attrs["disabled"] = True
            field.help_text = (
                "This incident is serious: the awareness time starts the reporting clock. "
                "A governance officer corrects it, with a reason, on the incident page."
            )

    def clean_aware_at(self):
        value = self.cleaned_data.get("aware_at")
        current = self.instance.aware_at if self.instance.pk else None
        if value is None and self.awareness_locked:
            return current
        # The form shows minutes: the same minute is the recorded moment, not a change.
        if value and current and value == current.replace(second=0, microsecond=0):
            return current
        return value


class IncidentFilterForm(TextLimitFormMixin, forms.Form):
    q = forms.CharField(label="Search", required=False)
    status = forms.ChoiceField(choices=[("", "Any status"), *Status.choices], required=False)
    severity = forms.ChoiceField(choices=[("", "Any severity"), *Severity.choices], required=False)
    category = forms.ChoiceField(choices=[("", "Any category"), *Category.choices], required=False)
    system = forms.ModelChoiceField(
        label="AI system",
        queryset=AISystem.objects.none(),
        required=False,
        empty_label="Any system",
    )
    open = forms.BooleanField(label="Open only", required=False)
    overdue = forms.BooleanField(label="Overdue", required=False)
    report_overdue = forms.BooleanField(label="Regulatory report overdue", required=False)

    def __init__(self, *args, systems=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the systems the user may see are offered (and accepted): the list's own scope.
        if systems is not None:
            offer_systems(self, "system", systems)
        for field in self.fields.values():
            if isinstance(field.widget, forms.Select):
                field.widget.attrs["class"] = "form-select form-select-sm"
            elif isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs["class"] = "form-check-input"
            else:
                field.widget.attrs["class"] = "form-control form-control-sm"


class SeverityForm(BootstrapFormMixin, forms.Form):
    severity = forms.ChoiceField(choices=Severity.choices)
    reason = forms.CharField(max_length=500)

    def __init__(self, *args, choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        if choices is not None:  # what services.severity_choices offers this user
            self.fields["severity"].choices = choices


class AwarenessCorrectionForm(BootstrapFormMixin, forms.Form):
    aware_at = forms.DateTimeField(label="Corrected awareness time", widget=DateTimeInput())
    reason = forms.CharField(
        label="Why it is corrected",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text="Kept with the incident; the time first recorded stays visible.",
    )


class SeriousForm(BootstrapFormMixin, forms.Form):
    case = forms.ChoiceField(label="Article 73 case", choices=SeriousCase.choices)


class ReportForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label="Which report",
        choices=ReportKind.choices,
        initial=ReportKind.COMPLETE,
        required=False,  # the complete report when not said
        widget=forms.RadioSelect,
        help_text="An initial report may come first to meet the deadline; the complete "
        "report follows (EU AI Act Art. 73(5)).",
    )
    reference = forms.CharField(
        label="Authority reference", max_length=200, help_text="Or how and to whom it was sent."
    )
    submitted_at = forms.DateTimeField(
        label="Submitted at",
        required=False,
        widget=DateTimeInput(),
        help_text="Now if empty. Not before awareness.",
    )

    def __init__(self, *args, kinds=None, **kwargs):
        super().__init__(*args, **kwargs)
        if kinds is not None:
            self.fields["kind"].choices = kinds
            self.fields["kind"].initial = kinds[0][0] if kinds else None

    def clean_kind(self) -> str:
        return self.cleaned_data.get("kind") or ReportKind.COMPLETE


class NoteForm(BootstrapFormMixin, forms.Form):
    message = forms.CharField(label="Timeline note", widget=forms.Textarea)


class CorrectiveActionForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = CorrectiveAction
        fields = ["title", "nonconformity", "root_cause", "action_plan", "owner", "due_date"]
        widgets = {"due_date": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = User.objects.filter(is_active=True).order_by("username")
        self.fields["owner"].label_from_instance = choice_label


class MetricForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Metric
        fields = [
            "name",
            "unit",
            "direction",
            "warning_threshold",
            "breach_threshold",
            "expected_interval_minutes",
            "auto_incident_severity",
        ]


def _hours_field(stage: str) -> forms.IntegerField:
    message = f"Give a whole number of hours from 1 to {MAX_TARGET_HOURS}."
    return forms.IntegerField(
        label=f"Hours to {stage}",
        # The value the officer saw travels with the form, so only what they changed is
        # saved: another officer's change to a different field in the meantime survives.
        show_hidden_initial=True,
        min_value=1,
        max_value=MAX_TARGET_HOURS,
        error_messages={
            "required": message,
            "invalid": message,
            "min_value": message,
            "max_value": message,
        },
    )


class TimeTargetForm(BootstrapFormMixin, forms.ModelForm):
    """The three targets of one severity (one form per severity on the page, prefixed by
    it). The model's clean() checks their order, as a field error."""

    acknowledge_hours = _hours_field("acknowledge")
    contain_hours = _hours_field("contain")
    resolve_hours = _hours_field("resolve")

    class Meta:
        model = IncidentTimeTarget
        fields = ["acknowledge_hours", "contain_hours", "resolve_hours"]

    def __init__(self, *args, instance: IncidentTimeTarget, **kwargs):
        super().__init__(*args, instance=instance, prefix=instance.severity, **kwargs)
        short = instance.severity.upper()
        for field in self.fields.values():
            field.label = f"{short} — {field.label.lower()}"
            field.widget.attrs["class"] += " form-control-sm"

    @property
    def hour_fields(self) -> list:
        return [self[name] for name in self.fields]


class TimeTargetNoteForm(BootstrapFormMixin, forms.Form):
    note = forms.CharField(
        label="Why the targets change (optional, kept in the history)",
        max_length=500,
        required=False,
    )
