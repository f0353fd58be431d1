from django import forms


class BootstrapFormMixin:
    """Give every widget Bootstrap's classes and mark invalid fields for assistive tech."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
            if isinstance(widget, forms.Textarea) and widget.attrs.get("rows") in (None, "10"):
                widget.attrs["rows"] = 3  # Django's default of 10 makes long forms endless
            described_by = []
            if field.help_text:
                described_by.append(f"id_{self.add_prefix(name)}_help")
            if self.is_bound and name in self.errors:
                widget.attrs["class"] += " is-invalid"
                widget.attrs["aria-invalid"] = "true"
                described_by.append(f"id_{self.add_prefix(name)}_errors")
            if described_by:
                widget.attrs["aria-describedby"] = " ".join(described_by)


class DateInput(forms.DateInput):
    input_type = "date"


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
