"""The form that attaches evidence (a file or a link) to a record."""

from django import forms

from aims.forms import BootstrapFormMixin, DateInput


class EvidenceForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(max_length=200)
    description = forms.CharField(widget=forms.Textarea, required=False)
    file = forms.FileField(required=False, help_text="PDF, image, office document, text or CSV.")
    url = forms.URLField(label="Or a link", required=False, assume_scheme="https")
    valid_until = forms.DateField(required=False, widget=DateInput)

    def clean(self):
        data = super().clean()
        if bool(data.get("file")) == bool(data.get("url")):
            raise forms.ValidationError("Give either a file or a link.")
        return data
