from django import forms

from aims.forms import BootstrapFormMixin, DateInput
from inventory.models import AISystem

from ..models import EvidencePack


class EvidencePackForm(BootstrapFormMixin, forms.Form):
    # Stage packs are made from an external audit's page (audits.certification).
    scope = forms.ChoiceField(choices=EvidencePack.Scope.choices[:3], initial="whole")
    system = forms.ModelChoiceField(
        queryset=AISystem.objects.none(),
        required=False,
        label="AI system",
        help_text="For a pack about one AI system.",
    )
    period_start = forms.DateField(required=False, widget=DateInput, label="From")
    period_end = forms.DateField(
        required=False,
        widget=DateInput,
        label="To",
        help_text="For a pack of one period (both days included).",
    )

    def __init__(self, *args, systems=None, **kwargs):
        super().__init__(*args, **kwargs)
        if systems is not None:
            self.fields["system"].queryset = systems
