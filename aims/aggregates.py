"""Figures read in one statement instead of one query each."""

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet


def count_each(querysets: list[QuerySet]) -> list[int]:
    """``[qs.count() for qs in querysets]`` in a single ``SELECT (SELECT COUNT(*) ...), ...``:
    a page that shows many counts pays one round trip, whatever the number of counts.
    Each queryset is counted as ``qs.count()`` would (its rows; ordering dropped)."""
    if not querysets:
        return []
    using = querysets[0].db
    parts, params = [], []
    for n, qs in enumerate(querysets):
        try:
            sql, qs_params = qs.order_by().values("pk").query.get_compiler(using).as_sql()
        except EmptyResultSet:  # a filter that can match nothing (pk__in=[], .none())
            parts.append("0")
            continue
        # The SQL is Django's own compilation of the queryset; values stay parameters.
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) counted_{n})")  # noqa: S608
        params.extend(qs_params)
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        return [int(n) for n in cursor.fetchone()]
