"""Shared form widgets and their behaviour in the browser."""

import datetime

from django import forms

from aims.forms import BootstrapFormMixin, DateInput


def test_date_inputs_render_iso_dates_the_browser_accepts():
    """<input type=date> discards anything but YYYY-MM-DD; a locale format would make every
    saved date show empty and be cleared on the next save."""
    html = DateInput().render("due", datetime.date(2026, 11, 28))
    assert 'type="date"' in html and 'value="2026-11-28"' in html


class _Form(BootstrapFormMixin, forms.Form):
    title = forms.CharField(help_text="Short and clear.")
    owner = forms.CharField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["owner"]  # as forms do for people who may not change the owner


def test_a_form_that_drops_a_field_validates_without_it():
    form = _Form({"title": ""})
    assert not form.is_valid()
    assert set(form.errors) == {"title"}
    attrs = form.fields["title"].widget.attrs
    assert "is-invalid" in attrs["class"] and attrs["aria-invalid"] == "true"
    assert attrs["aria-describedby"] == "id_title_help id_title_errors"
    assert _Form({"title": "Fine"}).is_valid()
