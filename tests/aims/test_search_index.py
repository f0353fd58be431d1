"""PostgreSQL: every searched register has a GIN index on exactly the expression its search
filters on, so the search reads the index, never ``to_tsvector`` of every row (issue 21), with
the person's visibility rule applied on top of it.

The test tables are tiny, where a sequential scan is always cheapest: the plans are taken with
sequential and plain index scans disabled, which leaves the search index the only way not to
scan a register's table. A search whose expression differed from its index's (a field added
to a type without a migration for its index) could not use it, and fails here."""

import pytest
from django.db import connection

from aims.search.fulltext import index_name
from aims.search.registry import searchable_types
from aims.search.selectors import PER_TYPE, first_matches
from tests.factories import make_system

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's GIN indexes"),
]


def plan(queryset) -> str:
    with connection.cursor() as cursor:  # for this test's transaction only
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
    return queryset.explain()


def search_plans(user, query: str) -> dict[str, str]:
    """The plan of each type's search query as ``user`` (types they see nothing of have no
    query to plan)."""
    plans = {}
    for search_type in searchable_types():
        rows = search_type.rows(user).prefetch_related(None)
        if not rows.query.is_empty():
            plans[search_type.key] = plan(first_matches(search_type, rows, query, PER_TYPE + 1))
    return plans


def uses_its_index(search_type, user, plan_text: str) -> bool:
    return f"Bitmap Index Scan on {index_name(search_type.rows(user).model)}" in plan_text


@pytest.mark.parametrize("role", ["officer", "auditor"])
def test_every_search_reads_its_register_index(request, owner, role):
    make_system(owner, name="Screening assistant")
    user = request.getfixturevalue(role)
    plans = search_plans(user, "screen assist")
    assert "inventory.aisystem" in plans and "risk.risk" in plans
    for search_type in searchable_types():
        if search_type.key in plans:
            assert uses_its_index(search_type, user, plans[search_type.key]), (
                search_type.key,
                plans[search_type.key],
            )


def test_an_owners_search_reads_the_index_under_the_visibility_rule(owner):
    """An owner's systems and risks are those of their object permissions: the rule stays in
    the query and the words are still read off the index. (Registers an owner sees by their
    own name, such as their corrective actions, may be read by that column's index instead.)"""
    make_system(owner, name="Screening assistant")
    plans = search_plans(owner, "screening")
    types = {t.key: t for t in searchable_types()}
    for key in ("inventory.aisystem", "risk.risk"):
        assert uses_its_index(types[key], owner, plans[key]), plans[key]
        assert "inventory_aisystemuserobjectpermission" in plans[key]
