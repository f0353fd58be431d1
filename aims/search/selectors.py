"""The global search: every registered type, each read through its own visibility selector,
narrowed by the query. One query per type whatever the number of matches (the page of hits
is sliced in SQL, one extra row tells whether there are more)."""

import re
from dataclasses import dataclass, field
from functools import reduce
from operator import and_, or_

from django.contrib.auth.models import AbstractBaseUser
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connections
from django.db.models import Model, Q, QuerySet

from aims.models import parse_reference, record_number

from .registry import SearchType, searchable_types

PER_TYPE = 5
MAX_QUERY_LENGTH = 200
FTS_CONFIG = "english"
WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Hit:
    reference: str
    title: str
    context: str
    url: str


@dataclass
class Group:
    key: str
    label: str
    register_label: str
    register_url: str
    hits: list[Hit] = field(default_factory=list)
    more: bool = False


@dataclass
class SearchResults:
    query: str
    groups: list[Group] = field(default_factory=list)
    # The record an exact reference names, when the user may see it: the page jumps to it.
    exact: Hit | None = None

    @property
    def total(self) -> int:
        return sum(len(g.hits) for g in self.groups)


def words_of(query: str) -> list[str]:
    return WORD.findall(query)[:10]


def uses_full_text(queryset: QuerySet) -> bool:
    """PostgreSQL full-text search where the database offers it; SQLite has none."""
    return connections[queryset.db].vendor == "postgresql"


def _full_text(queryset: QuerySet, fields: tuple[str, ...], words: list[str]) -> QuerySet:
    # Each word as a prefix ("chat" finds "chatbot"), all words required; words are \w+ only,
    # so nothing of the user's text reaches the tsquery syntax.
    query = SearchQuery(" & ".join(f"{w}:*" for w in words), search_type="raw", config=FTS_CONFIG)
    vector = SearchVector(*fields, config=FTS_CONFIG)
    return (
        queryset.annotate(search_vector=vector, search_rank=SearchRank(vector, query))
        .filter(search_vector=query)
        .order_by("-search_rank", "-pk")
    )


def _contains(queryset: QuerySet, fields: tuple[str, ...], words: list[str]) -> QuerySet:
    """The fallback: every word appears in one of the fields."""
    per_word = [reduce(or_, (Q(**{f"{f}__icontains": w}) for f in fields)) for w in words]
    return queryset.filter(reduce(and_, per_word)).order_by("-pk")


def matching(search_type: SearchType, queryset: QuerySet, query: str) -> QuerySet:
    """``queryset`` (already the user's visible rows) narrowed to the query: the record a
    reference names, else the records whose words match."""
    model = queryset.model
    pk = parse_reference(getattr(model, "REFERENCE_PREFIX", "") or "\0", query)
    if pk:
        return queryset.filter(pk=pk)
    words = words_of(query)
    if not words:
        return queryset.none()
    fields = search_type.searched_fields()
    if uses_full_text(queryset):
        return _full_text(queryset, fields, words)
    return _contains(queryset, fields, words)


def _hit(search_type: SearchType, obj: Model) -> Hit:
    return Hit(
        reference=getattr(obj, "reference", ""),
        title=str(getattr(obj, search_type.title_field, "") or ""),
        context=search_type.context(obj),
        url=search_type.url_of(obj),
    )


def search_group(
    search_type: SearchType, user: AbstractBaseUser, query: str, per_type: int
) -> Group:
    # prefetch_related(None): a selector's prefetches serve its own page, not a list of hits.
    rows = matching(search_type, search_type.rows(user).prefetch_related(None), query)
    found = list(rows[: per_type + 1])
    return Group(
        key=search_type.key,
        label=search_type.label,
        register_label=search_type.register_label,
        register_url=search_type.register_link(query),
        hits=[_hit(search_type, obj) for obj in found[:per_type]],
        more=len(found) > per_type,
    )


def global_search(*, user: AbstractBaseUser, query: str, per_type: int = PER_TYPE) -> SearchResults:
    """What ``user`` may see that matches ``query``, grouped by type (types without a hit
    are left out)."""
    query = (query or "").strip()[:MAX_QUERY_LENGTH]
    results = SearchResults(query=query)
    if not query:
        return results
    for search_type in searchable_types():
        group = search_group(search_type, user, query, per_type)
        if group.hits:
            results.groups.append(group)
    results.exact = exact_hit(results)
    return results


def exact_hit(results: SearchResults) -> Hit | None:
    """The one visible record whose reference is exactly the query, if there is one."""
    named = [
        hit
        for group in results.groups
        for hit in group.hits
        if hit.reference and hit.reference.upper() == _normalised_reference(results.query)
    ]
    return named[0] if len(named) == 1 and named[0].url else None


def _normalised_reference(query: str) -> str:
    prefix, _, number = query.strip().upper().partition("-")
    pk = record_number(number)
    return f"{prefix}-{pk:04d}" if pk is not None else query.strip().upper()
