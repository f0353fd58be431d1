"""The shared bases of the browser pages (aims.view_helpers), through the AI-system list that
is built on them: a capped page size, whitelisted sorting with a stable order, and a CSV export
that holds the filtered list on every page, as the user may see it, with formulas defused."""

import csv
import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from aims.view_helpers import csv_safe, order_by_sort, order_list_by_sort, xlsx_cell
from inventory import selectors
from inventory.models import AISystem

from ..factories import make_system

pytestmark = pytest.mark.django_db


def exported(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_page_size_is_one_of_the_offered_sizes_never_what_is_asked(client_as, officer, owner):
    make_system(owner)
    client = client_as(officer)
    for asked, served in (("100", 100), ("100000", 25), ("-1", 25), ("many", 25)):
        page = client.get(reverse("inventory:system_list"), {"page_size": asked})
        assert page.context["page_obj"].paginator.per_page == served


def test_sort_is_whitelisted_descending_with_a_minus_and_ties_broken_by_id(
    client_as, officer, owner
):
    for name in ("Beta", "Alpha", "Alpha"):
        make_system(owner, name=name)
    client = client_as(officer)
    page = client.get(reverse("inventory:system_list"), {"sort": "-name"})
    names = [(s.name, s.pk) for s in page.context["systems"]]
    alphas = sorted(pk for name, pk in names if name == "Alpha")
    assert names[0][0] == "Beta" and [pk for _, pk in names[1:]] == alphas
    assert page.context["sort"] == "-name"
    # A key outside the whitelist (here a field name the URL may not order by) is the default.
    page = client.get(reverse("inventory:system_list"), {"sort": "purpose"})
    assert page.context["sort"] == "reference"
    queryset = order_by_sort(AISystem.objects.all(), "-owner", selectors.SORTABLE)
    assert queryset.query.order_by == ("-owner__username", "id")


def test_export_holds_every_page_of_the_filtered_list_as_the_user_sees_it(
    client_as, owner, other_owner
):
    for i in range(27):
        make_system(owner, name=f"Mine {i}", business_unit="finance")
    make_system(owner, name="Mine elsewhere", business_unit="hr")
    make_system(other_owner, name="Not mine", business_unit="finance")
    client = client_as(owner)
    page = client.get(reverse("inventory:system_list"), {"business_unit": "finance"})
    assert page.context["page_obj"].paginator.count == 27
    assert len(page.context["systems"]) == 25
    rows = exported(client.get(reverse("inventory:system_export"), {"business_unit": "finance"}))
    assert rows[0][:2] == ["Reference", "Name"]
    assert sorted(r[1] for r in rows[1:]) == sorted(f"Mine {i}" for i in range(27))


def xlsx_rows(response) -> list[list]:
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return [list(row) for row in book.active.iter_rows(values_only=True)]


def test_xlsx_export_holds_the_same_filtered_rows_as_the_csv_with_formulas_defused(
    client_as, owner, other_owner
):
    for i in range(27):
        make_system(owner, name=f"Mine {i}", business_unit="finance")
    make_system(owner, name='=HYPERLINK("http://x")', business_unit="finance")
    make_system(owner, name="Mine elsewhere", business_unit="hr")
    make_system(other_owner, name="Not mine", business_unit="finance")
    client = client_as(owner)
    query = {"business_unit": "finance"}
    response = client.get(reverse("inventory:system_export_xlsx"), query)
    assert "ai-systems.xlsx" in response["Content-Disposition"]
    rows = xlsx_rows(response)
    csv_rows = exported(client.get(reverse("inventory:system_export"), query))
    assert rows[0] == csv_rows[0]
    names = sorted(row[1] for row in rows[1:])
    assert names == sorted(r[1] for r in csv_rows[1:])
    assert '\'=HYPERLINK("http://x")' in names and "Not mine" not in names
    assert len(names) == 28


def test_xlsx_cells_keep_numbers_and_dates_typed_and_text_safe():
    assert xlsx_cell(3) == 3 and xlsx_cell(date(2026, 1, 2)) == date(2026, 1, 2)
    assert xlsx_cell(None) == "" and xlsx_cell(True) == "yes"
    assert xlsx_cell("=1+1") == "'=1+1"
    assert xlsx_cell("bell\x07 gone") == "bell gone"


def test_csv_cells_that_a_spreadsheet_would_run_get_an_apostrophe():
    for text in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert csv_safe(text) == "'" + text
    assert csv_safe("Plain 1-2") == "Plain 1-2"


def test_a_computed_list_sorts_through_the_same_whitelist():
    """Rows computed in Python (the readiness gaps) sort like a queryset: by the attribute the
    whitelist names, text without regard to case, rows without a value last either way, ties
    in the order they came; an unknown key leaves the order as it was."""
    from types import SimpleNamespace as Row

    rows = [Row(name="beta", due=None), Row(name="Alpha", due=2), Row(name="alpha", due=1)]
    sortable = {"name": "name", "due": "due"}
    assert [r.name for r in order_list_by_sort(rows, "name", sortable)] == [
        "Alpha",
        "alpha",
        "beta",
    ]
    assert [r.due for r in order_list_by_sort(rows, "due", sortable)] == [1, 2, None]
    assert [r.due for r in order_list_by_sort(rows, "-due", sortable)] == [2, 1, None]
    assert order_list_by_sort(rows, "secret", sortable) == rows
