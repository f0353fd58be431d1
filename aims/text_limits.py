"""A length cap on every free-text input: forms, API serializers and the admin.

A text field whose model sets no ``max_length`` (every ``TextField``, and plain form or serializer
``CharField``s) would accept megabytes, copied into history on each edit. Each form and serializer
of the project caps them at ``AIMS_TEXT_MAX_LENGTH`` characters through the shared bases
(:class:`aims.forms.TextLimitFormMixin`, :class:`aims.api.serializers.AimsSerializer` /
``AimsModelSerializer``, :class:`TextLimitAdminMixin`): a longer value is a field error
("Ensure this value has at most N characters"), and nothing is saved.
tests/test_text_limits.py walks every form and serializer class for the bases.
"""

from django import forms
from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from rest_framework import serializers


def text_max_length() -> int:
    return settings.AIMS_TEXT_MAX_LENGTH


def cap_form_fields(fields) -> None:
    """Give every form ``CharField`` (and subclass) without ``max_length`` the default cap."""
    limit = text_max_length()
    for field in fields.values():
        if not isinstance(field, forms.CharField) or field.max_length is not None:
            continue
        field.max_length = limit
        field.validators.append(MaxLengthValidator(limit))
        if not field.widget.is_hidden:
            field.widget.attrs.update(field.widget_attrs(field.widget))


def cap_serializer_fields(fields) -> None:
    """Give every writable serializer ``CharField`` (and subclass) without ``max_length`` the
    default cap, with DRF's own message ("Ensure this field has no more than N characters.")."""
    limit = text_max_length()
    for field in fields.values():
        if isinstance(field, serializers.ListSerializer | serializers.BaseSerializer):
            continue  # a nested serializer caps its own fields
        if isinstance(field, serializers.ListField) and isinstance(
            field.child, serializers.CharField
        ):
            field = field.child
        if (
            not isinstance(field, serializers.CharField)
            or field.read_only
            or field.max_length is not None
        ):
            continue
        field.max_length = limit
        message = serializers.CharField.default_error_messages["max_length"].format(
            max_length=limit
        )
        field.validators.append(MaxLengthValidator(limit, message=message))


class TextLimitSerializerMixin:
    def get_fields(self):
        fields = super().get_fields()
        cap_serializer_fields(fields)
        return fields


class TextLimitAdminMixin:
    """For ModelAdmin and inlines: a TextField's admin input is capped like the rest."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.TextField) and not db_field.max_length:
            kwargs.setdefault("max_length", text_max_length())
        return super().formfield_for_dbfield(db_field, request, **kwargs)


__all__ = [
    "TextLimitAdminMixin",
    "TextLimitSerializerMixin",
    "cap_form_fields",
    "cap_serializer_fields",
    "text_max_length",
]
