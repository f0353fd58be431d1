from django import forms

from aims.text_limits import cap_form_fields


class TextLimitFormMixin:
    """Cap every text field without its own max_length at AIMS_TEXT_MAX_LENGTH characters
    (aims.text_limits): a longer value is a field error and nothing is saved. Every form of the
    project has it, through BootstrapFormMixin or directly (tests/test_text_limits.py)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cap_form_fields(self.fields)


class BootstrapFormMixin(TextLimitFormMixin):
    """Give every widget Bootstrap's classes and mark invalid fields for assistive tech.

    Invalid fields are marked after validation (``full_clean``), not in ``__init__``: reading
    ``self.errors`` there would validate the form before subclasses adjust their fields.
    """

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
            if field.help_text:
                widget.attrs["aria-describedby"] = f"id_{self.add_prefix(name)}_help"

    def full_clean(self):
        super().full_clean()
        for name in self._errors or {}:
            field = self.fields.get(name)
            if field is None:
                continue
            attrs = field.widget.attrs
            if "is-invalid" not in attrs.get("class", "").split():
                attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()
            attrs["aria-invalid"] = "true"
            errors_id = f"id_{self.add_prefix(name)}_errors"
            described_by = attrs.get("aria-describedby", "").split()
            if errors_id not in described_by:
                attrs["aria-describedby"] = " ".join([*described_by, errors_id])


class DateInput(forms.DateInput):
    """A native date picker. It only accepts ISO dates, so the value is always written as
    YYYY-MM-DD whatever the locale's input formats say (else saved dates show empty)."""

    input_type = "date"

    def __init__(self, attrs=None, format=None):
        super().__init__(attrs, format=format or "%Y-%m-%d")
