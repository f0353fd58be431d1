"""Every free-text input has a length cap (aims.text_limits): forms, serializers, admin.

The walk imports every module of the project's apps and checks each form and serializer class
has the capping base; then instances of those that take no arguments are checked field by field.
"""

import importlib
import inspect
import pkgutil

import pytest
from django import forms
from django.conf import settings
from django.contrib import admin
from django.db import models
from rest_framework import serializers

from aims.forms import TextLimitFormMixin
from aims.text_limits import TextLimitAdminMixin, TextLimitSerializerMixin

PROJECT_PACKAGES = ("aims", "suppliers", "inventory", "risk", "incidents", "audits")


def _project_modules():
    for name in PROJECT_PACKAGES:
        package = importlib.import_module(name)
        yield package
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{name}."):
            if ".migrations" in info.name or info.name.endswith(("settings", "wsgi", "celery")):
                continue
            yield importlib.import_module(info.name)


def _project_classes(base):
    seen = {}
    for module in _project_modules():
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, base) and cls.__module__.split(".")[0] in PROJECT_PACKAGES:
                seen[f"{cls.__module__}.{cls.__qualname__}"] = cls
    return seen


# The sign-in form checks a password and stores nothing; sign-in is another part's (allauth).
NOT_STORED = {"aims.signin.SignInForm"}
FORMS = {
    name: cls for name, cls in _project_classes(forms.BaseForm).items() if name not in NOT_STORED
}
SERIALIZERS = _project_classes(serializers.BaseSerializer)


def test_the_walk_finds_the_project_forms_and_serializers():
    assert len(FORMS) > 100 and len(SERIALIZERS) > 200


def test_every_form_caps_its_text_fields():
    missing = [name for name, cls in FORMS.items() if not issubclass(cls, TextLimitFormMixin)]
    assert not missing, f"Forms without TextLimitFormMixin (or BootstrapFormMixin): {missing}"


def test_every_serializer_caps_its_text_fields():
    missing = [
        name
        for name, cls in SERIALIZERS.items()
        if not issubclass(cls, TextLimitSerializerMixin | serializers.ListSerializer)
    ]
    assert not missing, f"Serializers not built on AimsSerializer/AimsModelSerializer: {missing}"


def _instances(classes):
    for name, cls in classes.items():
        try:
            yield name, cls()
        except Exception:  # noqa: BLE001, S112 - needs arguments: checked by its base only
            continue


@pytest.mark.django_db
def test_every_text_field_of_the_forms_and_serializers_that_build_alone_has_a_max_length():
    unbounded = []
    for name, form in _instances(FORMS):
        for field_name, field in form.fields.items():
            if isinstance(field, forms.CharField) and field.max_length is None:
                unbounded.append(f"{name}.{field_name}")
    built = 0
    for name, serializer in _instances(SERIALIZERS):
        try:
            fields = serializer.fields
        except Exception:  # noqa: BLE001, S112 - needs its context (request, instance)
            continue
        built += 1
        for field_name, field in fields.items():
            if (
                isinstance(field, serializers.CharField)
                and not field.read_only
                and field.max_length is None
            ):
                unbounded.append(f"{name}.{field_name}")
    assert built > 100
    assert not unbounded, f"Text fields without max_length: {unbounded}"


def test_every_editable_admin_caps_text_fields():
    missing = [
        f"{model.__name__}: {type(model_admin).__name__}"
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in PROJECT_PACKAGES
        and any(isinstance(f, models.TextField) for f in model._meta.get_fields())
        and not isinstance(model_admin, TextLimitAdminMixin)
    ]
    assert not missing, f"Admins without TextLimitAdminMixin: {missing}"


def test_the_cap_is_the_setting():
    class Plain(TextLimitFormMixin, forms.Form):
        note = forms.CharField()

    form = Plain(data={"note": "x" * (settings.AIMS_TEXT_MAX_LENGTH + 1)})
    assert not form.is_valid()
    assert form.errors["note"] == [
        f"Ensure this value has at most {settings.AIMS_TEXT_MAX_LENGTH} characters "
        f"(it has {settings.AIMS_TEXT_MAX_LENGTH + 1})."
    ]
    assert form.fields["note"].widget.attrs["maxlength"] == str(settings.AIMS_TEXT_MAX_LENGTH)
