"""Forms of the management-system pages. They shape input only; the rules are in
aims.ms.services."""

from django import forms
from django.contrib.auth import get_user_model

from aims.forms import BootstrapFormMixin, DateInput
from aims.models import (
    AIMSScope,
    ContextIssue,
    InterestedParty,
    Objective,
    PartyFeedback,
    Policy,
    PolicyVersion,
)
from aims.ms.services import (
    FEEDBACK_FIELDS,
    ISSUE_FIELDS,
    OBJECTIVE_FIELDS,
    PARTY_FIELDS,
    POLICY_FIELDS,
    SCOPE_FIELDS,
    VERSION_FIELDS,
)
from aims.people import choice_label

User = get_user_model()


def _active_users():
    return User.objects.filter(is_active=True).order_by("username")


class OwnerFieldMixin:
    """An owner select listing active users by name. Put it after BootstrapFormMixin, which
    then sees the help text it sets."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "owner" in self.fields:
            self.fields["owner"].queryset = _active_users()
            self.fields["owner"].required = False
            self.fields["owner"].help_text = "Leave empty to make it yours."
            self.fields["owner"].label_from_instance = choice_label

    def _get_validation_exclusions(self):
        # An empty owner means "me": the service fills it in before validating the record.
        return {*super()._get_validation_exclusions(), "owner"}


class ScopeForm(BootstrapFormMixin, OwnerFieldMixin, forms.ModelForm):
    class Meta:
        model = AIMSScope
        fields = SCOPE_FIELDS
        widgets = {"next_review_date": DateInput}


class PartyForm(BootstrapFormMixin, OwnerFieldMixin, forms.ModelForm):
    class Meta:
        model = InterestedParty
        fields = PARTY_FIELDS


class FeedbackForm(BootstrapFormMixin, OwnerFieldMixin, forms.ModelForm):
    class Meta:
        model = PartyFeedback
        fields = FEEDBACK_FIELDS
        widgets = {"received_on": DateInput}


class IssueForm(BootstrapFormMixin, OwnerFieldMixin, forms.ModelForm):
    class Meta:
        model = ContextIssue
        fields = ISSUE_FIELDS


class DeleteForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why is it removed?",
        max_length=500,
        required=False,
        help_text="Kept in the audit trail with the removal.",
    )


class PolicyForm(BootstrapFormMixin, OwnerFieldMixin, forms.ModelForm):
    """What describes a policy; its text changes through versions."""

    class Meta:
        model = Policy
        fields = POLICY_FIELDS
        widgets = {"next_review_date": DateInput}
        help_texts = {
            "next_review_date": "Set automatically when a version is published.",
            "review_interval_months": "How often the published text is reviewed.",
        }


class PolicyCreateForm(PolicyForm):
    """A new policy takes the text of its first draft."""

    body = forms.CharField(
        label="Policy text",
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="The text of the first draft. It can be edited until it is approved.",
    )

    class Meta(PolicyForm.Meta):
        fields = tuple(f for f in POLICY_FIELDS if f != "next_review_date")


class VersionForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = PolicyVersion
        fields = VERSION_FIELDS
        widgets = {"body": forms.Textarea(attrs={"rows": 16})}
        help_texts = {"change_summary": "A sentence or two for readers of the new version."}


class ObjectiveForm(BootstrapFormMixin, OwnerFieldMixin, forms.ModelForm):
    """Edit an objective (its status included)."""

    class Meta:
        model = Objective
        fields = OBJECTIVE_FIELDS
        widgets = {"due_date": DateInput}
        help_texts = {
            "baseline": "Where you start from; progress is measured from here.",
            "target_value": "The value that means the objective is met.",
            "higher_is_better": "Untick when a lower value is better (errors, complaints).",
            "unit": "For example %, days, count.",
        }


class ObjectiveCreateForm(ObjectiveForm):
    """A new objective starts on track."""

    class Meta(ObjectiveForm.Meta):
        fields = tuple(f for f in OBJECTIVE_FIELDS if f != "status")


class ProgressForm(BootstrapFormMixin, forms.Form):
    value = forms.DecimalField(label="Measured value", max_digits=12, decimal_places=2)
    recorded_on = forms.DateField(label="Measured on", widget=DateInput)
    note = forms.CharField(
        label="Note",
        widget=forms.Textarea,
        required=False,
        max_length=5000,
        help_text="How it was measured, or what explains the change.",
    )


class RegisterFilterForm(BootstrapFormMixin, forms.Form):
    """Search and filters of the two context registers (fields are optional)."""

    q = forms.CharField(label="Search", required=False, max_length=100)


class PartyFilterForm(RegisterFilterForm):
    category = forms.ChoiceField(
        required=False, choices=[("", "Any category"), *InterestedParty.Category.choices]
    )
    internal = forms.ChoiceField(
        label="Internal or external",
        required=False,
        choices=[("", "Both"), ("yes", "Internal"), ("no", "External")],
    )


class FeedbackFilterForm(RegisterFilterForm):
    party = forms.ModelChoiceField(
        required=False, queryset=InterestedParty.objects.order_by("name"), empty_label="Any party"
    )


class IssueFilterForm(RegisterFilterForm):
    kind = forms.ChoiceField(
        label="Internal or external",
        required=False,
        choices=[("", "Both"), *ContextIssue.Kind.choices],
    )
    category = forms.ChoiceField(
        required=False, choices=[("", "Any category"), *ContextIssue.Category.choices]
    )
    active = forms.ChoiceField(
        label="Still relevant",
        required=False,
        choices=[("", "All"), ("yes", "Active"), ("no", "No longer relevant")],
    )


class ObjectiveFilterForm(RegisterFilterForm):
    status = forms.ChoiceField(
        required=False, choices=[("", "Any status"), *Objective.Status.choices]
    )
    overdue = forms.BooleanField(label="Overdue only", required=False)
