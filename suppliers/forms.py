from django import forms
from django.contrib.auth import get_user_model

from aims.forms import BootstrapFormMixin, DateInput, TextLimitFormMixin

from .models import (
    ChangeKind,
    ChangeSource,
    Criticality,
    ReviewAnswer,
    ReviewQuestion,
    ReviewTopic,
    Supplier,
    SupplierReview,
    SupplierStatus,
    SupplierType,
    VendorChangeImpact,
    VendorChangeNotice,
)
from .services import NOTICE_FIELDS, QUESTION_FIELDS, SUPPLIER_FIELDS

User = get_user_model()

SUPPLIER_SECTIONS = [
    ("The supplier", ["name", "supplier_type", "services_used", "criticality", "owner"]),
    ("Contract", ["contract_start", "contract_end", "change_notice_commitment"]),
    (
        "Data terms",
        ["trains_on_our_data", "data_retention", "data_location", "output_logging"],
    ),
    (
        "Certifications",
        ["iso27001_expires", "soc2_expires", "iso42001_expires", "other_certifications"],
    ),
    ("Dependencies and exit", ["sub_processors", "exit_plan"]),
    ("Reassessment", ["reassessment_cadence_months", "next_reassessment_date"]),
]
DATE_FIELDS = (
    "contract_start",
    "contract_end",
    "iso27001_expires",
    "soc2_expires",
    "iso42001_expires",
    "next_reassessment_date",
)


class SupplierForm(BootstrapFormMixin, forms.ModelForm):
    owner = forms.ModelChoiceField(
        queryset=User.objects.filter(is_active=True).order_by("username"),
        help_text="Accountable for the relationship. Leave empty to own it yourself.",
        required=False,
    )

    class Meta:
        model = Supplier
        fields = [*SUPPLIER_FIELDS, "owner"]
        widgets = {
            **{f: DateInput for f in DATE_FIELDS},
            **{
                f: forms.Textarea
                for f in (
                    "services_used",
                    "output_logging",
                    "other_certifications",
                    "change_notice_commitment",
                    "sub_processors",
                    "exit_plan",
                )
            },
        }

    def sections(self):
        return [(title, [self[name] for name in names]) for title, names in SUPPLIER_SECTIONS]


class SupplierFilterForm(BootstrapFormMixin, forms.Form):
    q = forms.CharField(
        label="Search",
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "Name, service or SUP-0001"}),
    )
    status = forms.ChoiceField(
        required=False, choices=[("", "Any status"), *SupplierStatus.choices]
    )
    supplier_type = forms.ChoiceField(
        label="Type", required=False, choices=[("", "Any type"), *SupplierType.choices]
    )
    criticality = forms.ChoiceField(
        required=False, choices=[("", "Any criticality"), *Criticality.choices]
    )
    reassessment_overdue = forms.BooleanField(label="Reassessment overdue", required=False)


class NoticeFilterForm(BootstrapFormMixin, forms.Form):
    q = forms.CharField(
        label="Search",
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "Change, service or VC-0001"}),
    )
    status = forms.ChoiceField(
        required=False, choices=[("", "Any status"), *VendorChangeNotice.Status.choices]
    )
    kind = forms.ChoiceField(required=False, choices=[("", "Any kind"), *ChangeKind.choices])
    source = forms.ChoiceField(
        label="Learned from", required=False, choices=[("", "Any source"), *ChangeSource.choices]
    )
    supplier = forms.ModelChoiceField(
        queryset=Supplier.objects.none(), required=False, empty_label="Any supplier"
    )

    def __init__(self, *args, suppliers=None, **kwargs):
        # Only the suppliers the user may see are offered (and accepted).
        super().__init__(*args, **kwargs)
        if suppliers is not None:
            self.fields["supplier"].queryset = suppliers


class TransitionForm(BootstrapFormMixin, forms.Form):
    conditions = forms.CharField(widget=forms.Textarea, required=False)
    reason = forms.CharField(widget=forms.Textarea, required=False)


class QuestionForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = ReviewQuestion
        fields = list(QUESTION_FIELDS)
        widgets = {"text": forms.Textarea, "guidance": forms.Textarea}


class AnswerFormSet:
    """One value and comment per answer of a review, named ``<field>-<answer id>``."""

    VALUES = [c for c in ReviewAnswer.Value.choices if c[0]]

    def __init__(self, answers, data=None):
        order = {value: i for i, value in enumerate(ReviewTopic.values)}
        # Topics in the questionnaire's order (data use first), not alphabetically.
        self.answers = sorted(answers, key=lambda a: (order.get(a.topic, 99), a.position, a.pk))
        self.data = data
        self.errors: dict[int, str] = {}

    def rows(self):
        for a in self.answers:
            value = self.data.get(f"value-{a.pk}", a.value) if self.data else a.value
            comment = self.data.get(f"comment-{a.pk}", a.comment) if self.data else a.comment
            yield {"answer": a, "value": value, "comment": comment, "error": self.errors.get(a.pk)}

    def cleaned(self) -> dict[int, dict[str, str]]:
        allowed = {v for v, _ in self.VALUES} | {""}
        result = {}
        for a in self.answers:
            value = self.data.get(f"value-{a.pk}", "")
            if value not in allowed:
                self.errors[a.pk] = "Choose one of the answers."
            result[a.pk] = {"value": value, "comment": self.data.get(f"comment-{a.pk}", "")}
        return result


class ReviewCompleteForm(BootstrapFormMixin, forms.Form):
    decision = forms.ChoiceField(choices=SupplierReview.Decision.choices, widget=forms.RadioSelect)
    conditions = forms.CharField(
        widget=forms.Textarea, required=False, help_text="Required with a conditional approval."
    )
    summary = forms.CharField(widget=forms.Textarea, required=False)


class _NoticeFields(TextLimitFormMixin, forms.ModelForm):
    """Sets the supplier choices before BootstrapFormMixin reads the errors (which
    validates the form)."""

    supplier = forms.ModelChoiceField(queryset=Supplier.objects.none())
    kind = forms.ChoiceField(choices=ChangeKind.choices)
    source = forms.ChoiceField(label="How we learned of it", choices=ChangeSource.choices)

    class Meta:
        model = VendorChangeNotice
        fields = ["supplier", *NOTICE_FIELDS]
        widgets = {
            "description": forms.Textarea,
            "announced_on": DateInput,
            "effective_on": DateInput,
        }

    def __init__(self, *args, suppliers=None, **kwargs):
        super().__init__(*args, **kwargs)
        if suppliers is not None:
            self.fields["supplier"].queryset = suppliers


class NoticeForm(BootstrapFormMixin, _NoticeFields):
    pass


class AssessmentForm(BootstrapFormMixin, forms.Form):
    assessment = forms.ChoiceField(
        choices=[
            c for c in VendorChangeImpact.Assessment.choices if c[0] in VendorChangeImpact.CHOICES
        ],
        widget=forms.RadioSelect,
        help_text="Re-validate or re-approve sends a deployed system back through the "
        "release gate. On a high-tier system, an owner's 'no impact' waits for a governance "
        "officer to confirm it.",
    )
    rationale = forms.CharField(
        widget=forms.Textarea, help_text="What you checked and why you reached this view."
    )


class ConfirmationForm(BootstrapFormMixin, forms.Form):
    decision = forms.ChoiceField(
        choices=[
            ("confirm", "Confirm 'no impact'"),
            ("send_back", "Send back to the owner to assess again"),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        widget=forms.Textarea, help_text="What you checked, or what the owner should look at."
    )
