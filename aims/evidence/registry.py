"""Which records evidence may be attached to. Apps register their models in ready(), so the
generic evidence views in aims stay ignorant of the apps above them."""

from django.apps import apps
from django.db.models import Model

_attachable: dict[str, type[Model]] = {}


def register_attachable(model: type[Model]) -> None:
    _attachable[model._meta.label_lower] = model


def attachable_model(label: str) -> type[Model] | None:
    model = _attachable.get(label.lower())
    return model if model is not None and apps.is_installed(model._meta.app_label) else None


def attachable_labels() -> list[str]:
    return sorted(_attachable)
