"""The record types that take comments, by the short name the API uses in
``?target=<type>:<reference-or-id>`` (``system``, ``risk``, ``incident``, ``finding``,
``corrective-action``). Apps register theirs from ``AppConfig.ready``."""

from dataclasses import dataclass

from django.db.models import Model
from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class Commentable:
    key: str
    model: type[Model]
    detail_url: str = ""  # URL name taking ``pk``; else the model's get_absolute_url

    def url_of(self, obj: Model) -> str:
        try:
            if self.detail_url:
                return reverse(self.detail_url, args=[obj.pk])
            return obj.get_absolute_url()
        except (NoReverseMatch, AttributeError):
            return ""


_by_key: dict[str, Commentable] = {}


def register_commentable(key: str, model: type[Model], detail_url: str = "") -> None:
    _by_key[key] = Commentable(key, model, detail_url)


def commentable(key: str) -> Commentable | None:
    return _by_key.get(key)


def commentable_for(model: type[Model]) -> Commentable | None:
    for entry in _by_key.values():
        if entry.model is model:
            return entry
    return None


def commentable_keys() -> list[str]:
    return sorted(_by_key)
