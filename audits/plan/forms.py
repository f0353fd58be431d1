"""Forms of the 90-day plan pages."""

from django import forms
from django.contrib.auth import get_user_model

from aims.forms import BootstrapFormMixin, DateInput, TextLimitFormMixin
from aims.people import PersonChoiceField

from ..models import CatalogueItem
from .models import PlanTask

User = get_user_model()


def _small(form: forms.Form) -> None:
    for field in form.fields.values():
        if isinstance(field.widget, forms.CheckboxInput):
            field.widget.attrs["class"] = "form-check-input"
            continue
        css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
        field.widget.attrs["class"] = f"{css} {css}-sm"


class TaskFilterForm(TextLimitFormMixin, forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=100)
    phase = forms.TypedChoiceField(
        label="Phase",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "Any phase"), *PlanTask.Phase.choices],
    )
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Any status"), *PlanTask.Status.choices]
    )
    owner = PersonChoiceField(
        label="Owner", required=False, queryset=User.objects.none(), empty_label="Anyone"
    )
    overdue = forms.BooleanField(label="Overdue", required=False)

    def __init__(self, *args, owners=None, **kwargs):
        super().__init__(*args, **kwargs)
        if owners is not None:
            self.fields["owner"].queryset = owners
        _small(self)


class GenerateForm(BootstrapFormMixin, forms.Form):
    start = forms.DateField(
        label="Start date",
        required=False,
        widget=DateInput(),
        help_text="Day 1 of the 90 days (today when left empty). Set by the first generation.",
    )


class TaskAddForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(max_length=200)
    description = forms.CharField(
        label="What to do", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    item = forms.ModelChoiceField(
        label="Requirement or control",
        queryset=CatalogueItem.objects.none(),
        required=False,
        empty_label="None",
        help_text="The catalogue item whose gap the task closes, if any.",
    )
    phase = forms.TypedChoiceField(coerce=int, choices=PlanTask.Phase.choices)
    owner = PersonChoiceField(queryset=User.objects.none(), help_text="They are told at once.")
    due_date = forms.DateField(label="Due date", widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = CatalogueItem.objects.filter(is_heading=False).order_by(
            "sort_key"
        )
        self.fields["owner"].queryset = User.objects.filter(is_active=True).order_by("username")


class NoteForm(BootstrapFormMixin, forms.Form):
    """The note of "mark done" (what was done) or "drop" (why)."""

    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=5000)

    def __init__(self, *args, label: str = "Note", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].label = label


class ReassignForm(BootstrapFormMixin, forms.Form):
    owner = PersonChoiceField(queryset=User.objects.none())
    due_date = forms.DateField(label="Due date", widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = User.objects.filter(is_active=True).order_by("username")
