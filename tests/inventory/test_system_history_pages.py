"""A system's history tab and API read the history a page at a time (issue 21): the pages,
put end to end, are exactly the whole history, newest first, each change diffed against the
record's previous row even when that row is on another page; the page links keep the other
query parameters; and a page costs the same queries whatever the length of the history."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from aims.history_diff import HistoryPages, history_entries
from inventory import services
from inventory.history import CHILD_MODELS
from inventory.models import AISystem, Component

pytestmark = pytest.mark.django_db


def _querysets(system):
    return [AISystem.history.filter(id=system.pk)] + [
        model.history.filter(system_id=system.pk) for model in CHILD_MODELS
    ]


def _edit(owner, system, n: int):
    """``n`` changes of the system's known risks and of one component, interleaved."""
    component = services.child_save(
        actor=owner, record=Component(system=system), data={"name": "Ranker v1"}
    )
    for i in range(n):
        system = services.system_update(
            actor=owner, system=system, data={"known_risks": f"Drift, revision {i}"}
        )
        if i % 3 == 0:
            component = services.child_save(
                actor=owner, record=component, data={"name": f"Ranker v{i + 2}"}
            )
    return system


def test_pages_end_to_end_are_the_whole_history_with_the_same_diffs(owner, system):
    system = _edit(owner, system, 14)
    whole = history_entries(_querysets(system))
    pages = HistoryPages(_querysets(system))
    assert pages.count() == len(whole) > 20
    for size in (1, 4, 7):  # page boundaries fall between a change and the row before it
        stitched = [e for start in range(0, len(whole), size) for e in pages[start : start + size]]
        assert stitched == whole, size
    assert whole[0]["changes"] and pages[0]["history_type"] == whole[0]["history_type"]
    assert pages[len(whole) - 1]["history_type"] == "+"  # the oldest: the intake
    with pytest.raises(IndexError):
        pages[len(whole)]


def _table(html: str) -> str:
    return re.search(r'<table[^>]*id="history".*?</table>', html, re.S).group(0)


def test_the_history_tab_pages_newest_first_and_keeps_the_query(client_as, owner, system):
    system = _edit(owner, system, 30)
    url = reverse("inventory:system_tab", args=[system.pk, "history"])
    client = client_as(owner)
    first = client.get(url, {"highlight": "x"}).content.decode()
    # Newest first: the last revision on page 1, with what it changed from.
    assert "Drift, revision 29" in _table(first) and "Drift, revision 28" in _table(first)
    assert "Created" not in _table(first)
    assert re.search(r'<nav aria-label="Pages">', first)
    assert 'href="?highlight=x&amp;page=2"' in first
    total = HistoryPages(_querysets(system)).count()
    assert f"of {total}." in first
    last_page = -(-total // 25)
    last = client.get(url, {"highlight": "x", "page": last_page}).content.decode()
    assert "Created" in _table(last) and "Drift, revision 29" not in _table(last)
    assert 'href="?highlight=x&amp;page=' in last and 'aria-current="page"' in last


def test_a_page_costs_the_same_queries_however_long_the_history(client_as, api_as, owner):
    from tests.factories import make_system

    short, long_ = make_system(owner), make_system(owner, name="Long history")
    _edit(owner, short, 2)
    _edit(owner, long_, 40)
    client = client_as(owner)

    def counted(get, url):
        with CaptureQueriesContext(connection) as ctx:
            assert get(url).status_code == 200
        return len(ctx.captured_queries)

    for name, get in (("inventory:system_tab", client.get),):
        urls = [reverse(name, args=[s.pk, "history"]) for s in (short, long_)]
        get(urls[0])  # caches warmed (content types)
        assert counted(get, urls[0]) == counted(get, urls[1]) == counted(get, urls[1] + "?page=2")
    api = api_as(owner)
    urls = [reverse("api:system-history", args=[s.pk]) for s in (short, long_)]
    api.get(urls[0])
    assert counted(api.get, urls[0]) == counted(api.get, urls[1])
    assert api.get(urls[1]).json()["count"] == HistoryPages(_querysets(long_)).count()
