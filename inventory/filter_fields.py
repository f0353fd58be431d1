"""A filter by AI system that stays usable, and cheap, at any size of the inventory.

Up to ``LIST_AT_MOST`` visible systems the filter is a drop-down list. Beyond it, a list of
thousands of options is most of a megabyte of page that nobody scrolls (and most of the
page's time to build), so the filter becomes a box for the system's reference, as shown on
its page (AIS-0012). Links that carry the system's number (``?system=12``) work either way.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from aims.models import format_reference, parse_reference, record_number

from .models import AISystem

LIST_AT_MOST = 300
NOT_VISIBLE = (
    "No AI system you can see has this reference. Type it as shown on the system's page, "
    "for example AIS-0012."
)


def _typed_number(text: str) -> int | None:
    """``AIS-0012``, ``ais-12`` or ``12`` -> 12; anything else -> None."""
    text = text.strip()
    return parse_reference(AISystem.REFERENCE_PREFIX, text) or record_number(text)


class SystemReferenceField(forms.ModelChoiceField):
    """One of ``queryset``'s systems, typed as its reference (or its number)."""

    widget = forms.TextInput
    default_error_messages = {"invalid_choice": NOT_VISIBLE}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        pk = _typed_number(str(value))
        system = self.queryset.filter(pk=pk).first() if pk else None
        if system is None:  # unknown and out of reach read the same: nothing leaks
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return system

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "placeholder": "AIS-0012", "autocomplete": "off"}

    def prepare_value(self, value):
        if isinstance(value, AISystem):
            return value.reference
        pk = _typed_number(str(value)) if value not in self.empty_values else None
        return format_reference(AISystem.REFERENCE_PREFIX, pk) if pk else value


def offer_systems(form: forms.Form, name: str, systems: QuerySet[AISystem]) -> None:
    """Offer ``systems`` (those the user may see: the only ones accepted) in the form's
    system filter ``name``: a drop-down list, or a reference box for a large inventory. One
    bounded count decides."""
    field = form.fields[name]
    if systems[: LIST_AT_MOST + 1].count() <= LIST_AT_MOST:
        field.queryset = systems
        field.label_from_instance = lambda s: f"{s.reference} {s.name}"
        return
    form.fields[name] = SystemReferenceField(
        queryset=systems,
        required=False,
        label=field.label,
        help_text="The system's reference, as shown on its page: for example AIS-0012.",
    )
