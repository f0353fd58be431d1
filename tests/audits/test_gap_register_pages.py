"""The gap register reads a page at a time (issue 21): its pages, laid end to end, are the
whole register in its order, with the whole register's count, and a page costs the same
number of queries however many systems, risks and incidents stand behind the gaps."""

import pytest
from django.urls import reverse

from audits.soa.assignments import gap_rows
from tests.aims.test_hot_page_queries import grow, queries_of

pytestmark = pytest.mark.django_db

URL = reverse("soa:gap_register")


def keys(rows) -> list[tuple[str, str]]:
    return [(r.kind, r.record) for r in rows]


def page(client, **query):
    response = client.get(URL, query)
    assert response.status_code == 200
    return response.context["page_obj"]


def test_the_pages_of_the_register_are_the_whole_register_in_order(client_as, officer, owner):
    grow(owner, 30)
    client = client_as(officer)
    everything = gap_rows(user=officer)
    assert len(everything) > 100
    first, second = page(client), page(client, page=2)
    assert first.paginator.count == len(everything)
    assert len(first.object_list) == 50
    assert keys(first.object_list) + keys(second.object_list) == keys(everything[:100])
    # Reversed by severity: the lowest first, ties still in the list's order.
    backwards = sorted(everything, key=lambda r: r.severity_rank, reverse=True)
    assert keys(page(client, sort="-severity").object_list) == keys(backwards[:50])
    # A severity (a filter that picks whole segments) pages the same way.
    high = [r for r in everything if r.severity == "high"]
    assert len(high) > 50
    narrowed = page(client, severity="high", page=2)
    assert narrowed.paginator.count == len(high)
    assert keys(narrowed.object_list) == keys(high[50:100])
    # The last page holds the tail, and a search still reads the whole list.
    last = page(client, page=first.paginator.num_pages)
    assert keys(last.object_list) == keys(everything[(first.paginator.num_pages - 1) * 50 :])
    record = everything[-1].record
    searched = gap_rows(user=officer, filters={"q": record})
    assert page(client, q=record).paginator.count == len(searched) > 0


def test_a_page_of_the_register_costs_the_same_queries_at_two_sizes(client_as, officer, owner):
    client = client_as(officer)
    grow(owner, 3)
    client.get(URL)  # caches warm, as on a live server
    small = queries_of(client, URL)
    grow(owner, 40)
    # The first page may span fewer segments once there are more gaps: never more queries.
    assert queries_of(client, URL) <= small
    assert len(page(client).object_list) == 50
