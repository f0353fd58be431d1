"""The searchable record types. An app describes each of its registers with a
:class:`SearchType` and calls :func:`register_searchable` from its ``AppConfig.ready``; the
search in aims only reads this registry, so it knows no app above it."""

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Model, QuerySet
from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class SearchType:
    """How one register is searched and shown.

    ``rows(user)`` is the register's own visibility selector (``*_list(user=...)`` or
    ``Model.objects.restrict(user)``): the search only ever narrows it. ``title_field`` and
    ``text_fields`` are the words searched (on PostgreSQL through the register's search index,
    added by a migration with :class:`aims.search.fulltext.AddSearchIndex` over the same fields
    in the same order); ``context(obj)`` is the one line shown under the title; ``detail_url``
    names the record's page (``pk`` argument) unless the model has ``get_absolute_url``;
    ``register_url`` is the list page whose own ``?q=`` search takes the query further ("more
    in the ...")."""

    key: str
    label: str
    register_label: str
    rows: Callable[..., QuerySet]
    title_field: str
    text_fields: tuple[str, ...] = ()
    context: Callable[[Model], str] = lambda obj: ""
    detail_url: str = ""
    register_url: str = ""
    order: int = 100
    register_searches: bool = True  # the register reads ``?q=`` (else the link has none)

    def searched_fields(self) -> tuple[str, ...]:
        return (self.title_field, *[f for f in self.text_fields if f != self.title_field])

    def url_of(self, obj: Model) -> str:
        try:
            if self.detail_url:
                return reverse(self.detail_url, args=[obj.pk])
            return obj.get_absolute_url()
        except (NoReverseMatch, AttributeError):
            return ""

    def register_link(self, query: str = "") -> str:
        """The register's page; with its own search for ``query`` when it has one."""
        try:
            url = reverse(self.register_url) if self.register_url else ""
        except NoReverseMatch:
            return ""
        if url and query and self.register_searches:
            url = f"{url}?{urlencode({'q': query})}"
        return url


_types: dict[str, SearchType] = {}


def register_searchable(search_type: SearchType) -> None:
    """Add (or replace, on a second ``ready``) a searchable type."""
    _types[search_type.key] = search_type


def searchable_types() -> list[SearchType]:
    return sorted(_types.values(), key=lambda t: (t.order, t.label))
