"""Forms of management reviews and their actions. Input shape only: the rules are in
audits.reviews.services."""

from django import forms
from django.contrib.auth import get_user_model

from aims.forms import BootstrapFormMixin, DateInput, TextLimitFormMixin

from ..internal_audits.forms import (
    MULTI_HELP,
    ScopedChoices,
    UserChoiceField,
    UsersChoiceField,
    active_users,
)
from ..models import (
    ManagementReview,
    ReviewAction,
)

User = get_user_model()


class ReviewForm(BootstrapFormMixin, ScopedChoices, forms.ModelForm):
    chair = UserChoiceField(queryset=User.objects.none(), help_text="Top management chairs.")
    attendees = UsersChoiceField(queryset=User.objects.none(), required=False, help_text=MULTI_HELP)

    class Meta:
        model = ManagementReview
        fields = ["title", "meeting_date", "chair", "attendees"]
        widgets = {"meeting_date": DateInput()}

    def scope_fields(self) -> None:
        self.fields["chair"].queryset = active_users()
        self.fields["attendees"].queryset = active_users()


class ReviewCreateForm(ReviewForm):
    since = forms.DateField(
        required=False,
        widget=DateInput(),
        label="Inputs since",
        help_text="Start of the period the inputs cover; empty: the previous review's date "
        "(or one year back).",
    )

    class Meta(ReviewForm.Meta):
        fields = [*ReviewForm.Meta.fields]


class ReviewRecordForm(BootstrapFormMixin, ScopedChoices, forms.ModelForm):
    attendees = UsersChoiceField(queryset=User.objects.none(), required=False, help_text=MULTI_HELP)

    class Meta:
        model = ManagementReview
        fields = ["attendees", "input_notes", "decisions", "minutes"]
        widgets = {
            "input_notes": forms.Textarea(attrs={"rows": 4}),
            "decisions": forms.Textarea(attrs={"rows": 5}),
            "minutes": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {
            "input_notes": "What the inputs showed and how they were discussed.",
        }

    def scope_fields(self) -> None:
        self.fields["attendees"].queryset = active_users()
        self.fields["decisions"].required = True


class ReviewActionForm(BootstrapFormMixin, ScopedChoices, forms.ModelForm):
    owner = UserChoiceField(queryset=User.objects.none())

    class Meta:
        model = ReviewAction
        fields = ["description", "owner", "due_date"]
        widgets = {"due_date": DateInput(), "description": forms.Textarea(attrs={"rows": 2})}

    def scope_fields(self) -> None:
        self.fields["owner"].queryset = active_users()


class ReviewActionStatusForm(TextLimitFormMixin, forms.Form):
    status = forms.ChoiceField(choices=ReviewAction.Status.choices)
