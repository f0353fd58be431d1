"""The global search: every registered type, each read through its own visibility selector,
narrowed by the query. One query per type whatever the number of matches (the page of hits
is sliced in SQL, one extra row tells whether there are more; nothing is counted).

On PostgreSQL the words are matched on each register's GIN index (:mod:`.fulltext`), on
SQLite word by word with ``icontains``; on both the hits are the newest first. They are not
ranked by relevance: a rank is computed from every match's words, and a common word matches
tens of thousands of risks at ten times the reference organisation (seconds per search).
"""

import re
from dataclasses import dataclass, field
from functools import reduce
from operator import and_, or_

from django.contrib.auth.models import AbstractBaseUser
from django.contrib.postgres.search import SearchQuery
from django.db import connections
from django.db.models import BigIntegerField, ExpressionWrapper, F, Model, Q, QuerySet

from aims.models import parse_reference, record_number

from .fulltext import FTS_CONFIG, search_vector
from .registry import SearchType, searchable_types

PER_TYPE = 5
MAX_QUERY_LENGTH = 200
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
    # so nothing of the user's text reaches the tsquery syntax. The document is an alias (not
    # selected) built as the register's index is (search_vector), so the index serves it.
    query = SearchQuery(" & ".join(f"{w}:*" for w in words), search_type="raw", config=FTS_CONFIG)
    return (
        queryset.alias(search_document=search_vector(fields))
        .filter(search_document=query)
        .order_by(_NEWEST_FIRST)
    )


# Newest first, by the key plus nothing rather than by the key: PostgreSQL cannot estimate how
# many rows a prefix matches, and given an order the primary key's index provides it may walk
# that index backwards testing each row's words (to_tsvector per row) until it has six, every
# row of the register for a word nothing has. Ordered by an expression no index provides, it
# takes the matches from the search index and keeps the newest six (a top-N sort).
_NEWEST_FIRST = ExpressionWrapper(F("pk") + 0, output_field=BigIntegerField()).desc()


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


def first_matches(search_type: SearchType, queryset: QuerySet, query: str, limit: int) -> QuerySet:
    """The newest ``limit`` rows of ``queryset`` that match ``query``. Their keys are picked
    by a query on the register's own table (the words and the visibility rule, none of the
    selector's joins), so a word in tens of thousands of rows sorts their keys only; the
    selector's related records are read for the rows picked."""
    picked = matching(search_type, queryset, query).values("pk")[:limit]
    return queryset.filter(pk__in=picked).order_by("-pk")


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
    rows = search_type.rows(user).prefetch_related(None)
    found = list(first_matches(search_type, rows, query, per_type + 1))
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
