"""Input shapes of the training and roles pages. The rules live in aims.competence.services."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from aims.competence.selectors import TRAINING_STATUSES
from aims.competence.services import COURSE_FIELDS
from aims.forms import BootstrapFormMixin, DateInput
from aims.models import Course, Responsibility
from aims.people import PersonChoiceField

User = get_user_model()


def active_people():
    return User.objects.filter(is_active=True).order_by("last_name", "first_name", "username")


class CourseForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Course
        fields = list(COURSE_FIELDS)
        help_texts = {
            "validity_months": "How long a completion stays valid. Leave empty if it never "
            "expires.",
            "is_ai_literacy": "Tick for courses that build the AI literacy staff need "
            "(EU AI Act Article 4).",
            "is_active": "Untick to retire a course: old completions stay on record.",
        }


class TrainingRecordForm(BootstrapFormMixin, forms.Form):
    user = PersonChoiceField(label="Person", queryset=active_people())
    course = forms.ModelChoiceField(queryset=Course.objects.filter(is_active=True))
    completed_on = forms.DateField(widget=DateInput, label="Completed on")
    notes = forms.CharField(widget=forms.Textarea, required=False, max_length=5000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["completed_on"].initial = timezone.localdate()


class TrainingFilterForm(BootstrapFormMixin, forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=200)
    course = forms.ModelChoiceField(
        queryset=Course.objects.all(), required=False, empty_label="Any course"
    )
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *TRAINING_STATUSES])


class ResponsibilityForm(BootstrapFormMixin, forms.ModelForm):
    required_courses = forms.ModelMultipleChoiceField(
        queryset=Course.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Holders need an in-date completion of each of these.",
    )

    class Meta:
        model = Responsibility
        fields = ["key", "title", "responsibilities", "authorities"]
        widgets = {"responsibilities": forms.Textarea, "authorities": forms.Textarea}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["required_courses"].widget.attrs["class"] = "form-check-input"
        if self.instance.pk:
            self.fields["required_courses"].initial = list(
                self.instance.required_courses.values_list("pk", flat=True)
            )


class AssignmentForm(BootstrapFormMixin, forms.Form):
    user = PersonChoiceField(label="Person", queryset=active_people())
    scope_note = forms.CharField(
        label="Scope",
        max_length=200,
        required=False,
        help_text="Where it applies, e.g. one AI system or a business unit.",
    )
    starts_on = forms.DateField(widget=DateInput, label="Starts on")
    exception_reason = forms.CharField(
        label="Training exception",
        widget=forms.Textarea,
        required=False,
        max_length=2000,
        help_text="Only if the person lacks required training: why the assignment should "
        "stand anyway. Recorded with your name.",
    )
    exception_expires_on = forms.DateField(
        label="Exception ends on",
        widget=DateInput,
        required=False,
        help_text="Required with an exception: the last day it counts.",
    )

    def __init__(self, *args, can_grant_exception: bool = False, **kwargs):
        # Fields go before BootstrapFormMixin validates the bound form.
        exception_fields = ("exception_reason", "exception_expires_on")
        self.base_fields = {
            name: field
            for name, field in type(self).base_fields.items()
            if can_grant_exception or name not in exception_fields
        }
        super().__init__(*args, **kwargs)
        self.fields["starts_on"].initial = timezone.localdate()


class AssignmentExceptionForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why the assignment stands without the training",
        widget=forms.Textarea,
        max_length=2000,
        required=False,
    )
    expires_on = forms.DateField(
        label="Exception ends on",
        widget=DateInput,
        required=False,
        help_text="The last day the exception counts.",
    )


class AssignmentEndForm(BootstrapFormMixin, forms.Form):
    ends_on = forms.DateField(widget=DateInput, label="Ends on")
    reason = forms.CharField(max_length=200, required=False, label="Reason")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ends_on"].initial = timezone.localdate()
