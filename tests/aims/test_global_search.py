"""The global search (/search/?q= and /api/v1/search/?q=): by reference and by words, only
what the user may see, one query per record type. The same tests run on SQLite (the
``icontains`` fallback) and, with DATABASE_URL on PostgreSQL, on full-text search."""

import pytest
from django.db import connection
from django.urls import reverse

from aims.search.registry import searchable_types
from aims.search.selectors import global_search, uses_full_text
from inventory.models import AISystem
from tests.factories import make_risk, make_system

pytestmark = pytest.mark.django_db


@pytest.fixture
def mine(owner):
    return make_system(owner, name="Claims triage assistant", purpose="Sorts insurance claims.")


@pytest.fixture
def theirs(other_owner):
    return make_system(
        other_owner, name="Payroll anomaly detector", purpose="Flags unusual payroll runs."
    )


def found(results, key="inventory.aisystem") -> set[str]:
    return {hit.reference for g in results.groups if g.key == key for hit in g.hits}


def test_the_backend_matches_the_database():
    assert uses_full_text(AISystem.objects.all()) == (connection.vendor == "postgresql")


def test_every_register_is_registered():
    keys = {t.key for t in searchable_types()}
    assert {
        "inventory.aisystem",
        "risk.risk",
        "incidents.incident",
        "suppliers.supplier",
        "suppliers.vendorchangenotice",
        "audits.finding",
        "aims.correctiveaction",
        "aims.evidence",
        "aims.policy",
    } <= keys


def test_owner_finds_their_own_by_reference_and_words(owner, mine):
    assert found(global_search(user=owner, query=mine.reference)) == {mine.reference}
    assert found(global_search(user=owner, query="claims triage")) == {mine.reference}
    # A word's beginning is enough, and case does not matter.
    assert found(global_search(user=owner, query="CLAIM")) == {mine.reference}


def test_owner_does_not_find_another_owners_system(owner, mine, theirs):
    by_reference = global_search(user=owner, query=theirs.reference)
    by_name = global_search(user=owner, query="payroll anomaly")
    assert by_reference.groups == [] and by_reference.exact is None
    assert by_name.groups == []


def test_officer_and_auditor_find_every_system(officer, auditor, mine, theirs):
    for user in (officer, auditor):
        assert found(global_search(user=user, query=theirs.reference)) == {theirs.reference}
        assert found(global_search(user=user, query="payroll")) == {theirs.reference}
        assert found(global_search(user=user, query="assistant detector")) == set()


def test_risks_follow_their_system(owner, other_owner, officer, theirs):
    risk = make_risk(other_owner, theirs, title="Payroll overpayment goes unnoticed")
    assert found(global_search(user=owner, query="overpayment"), "risk.risk") == set()
    assert found(global_search(user=owner, query=risk.reference), "risk.risk") == set()
    assert found(global_search(user=officer, query="overpayment"), "risk.risk") == {risk.reference}


def test_page_jumps_to_an_exact_reference_it_may_see(client_as, owner, mine, theirs):
    client = client_as(owner)
    response = client.get(reverse("aims:search"), {"q": mine.reference.lower()})
    assert response.status_code == 302
    assert response["Location"] == reverse("inventory:system_detail", args=[mine.pk])
    refused = client.get(reverse("aims:search"), {"q": theirs.reference})
    assert refused.status_code == 200
    assert theirs.name.encode() not in refused.content
    assert b"Nothing you may see matches" in refused.content


def test_page_lists_hits_grouped_with_a_link_to_the_register(client_as, officer, owner):
    for n in range(7):
        make_system(owner, name=f"Claims helper {n}")
    response = client_as(officer).get(reverse("aims:search"), {"q": "claims helper"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "AI systems" in page
    assert page.count('class="fw-semibold"') == 5  # at most five per type
    assert f"{reverse('inventory:system_list')}?q=claims+helper" in page
    assert "More in the AI system inventory" in page


def test_empty_query_explains(client_as, owner):
    response = client_as(owner).get(reverse("aims:search"))
    assert response.status_code == 200
    assert b'data-testid="search-empty"' in response.content


def test_search_box_is_in_the_navigation(client_as, owner):
    page = client_as(owner).get(reverse("aims:dashboard")).content.decode()
    assert 'role="search"' in page
    assert '<label for="nav-search-q"' in page


def test_one_query_per_type_whatever_the_matches(owner, officer, django_assert_max_num_queries):
    for n in range(12):
        make_system(owner, name=f"Forecasting model {n}")
    types = len(searchable_types())
    for user in (owner, officer):
        global_search(user=user, query="warm up")  # caches (content types, roles)
        with django_assert_max_num_queries(types * 2 + 4):
            results = global_search(user=user, query="forecasting")
        assert len(results.groups[0].hits) == 5 and results.groups[0].more


def test_api_answers_the_same(api_as, owner, officer, mine, theirs):
    url = reverse("api:search")
    body = api_as(owner).get(url, {"q": "payroll"}).json()
    assert body["groups"] == [] and body["total"] == 0
    body = api_as(officer).get(url, {"q": theirs.reference}).json()
    assert body["exact"]["reference"] == theirs.reference
    assert body["groups"][0]["type"] == "inventory.aisystem"
    assert body["groups"][0]["hits"][0]["title"] == theirs.name


def test_api_refuses_an_overlong_query(api_as, owner):
    response = api_as(owner).get(reverse("api:search"), {"q": "x" * 201})
    assert response.status_code == 400


def test_corrective_action_register_reads_the_query(client_as, officer):
    response = client_as(officer).get(reverse("capa:capa_list"), {"q": "CAPA-0042"})
    assert response.status_code == 200
    assert b'value="CAPA-0042"' in response.content
    assert b"0 corrective actions" in response.content


def test_a_register_without_a_search_gets_a_plain_link():
    notices = next(t for t in searchable_types() if t.key == "suppliers.vendorchangenotice")
    assert "?" not in notices.register_link("gpt")
    systems = next(t for t in searchable_types() if t.key == "inventory.aisystem")
    assert systems.register_link("gpt 4") == reverse("inventory:system_list") + "?q=gpt+4"


# Digits that are not ASCII ("²", "٣") pass str.isdigit() but not int(): typed into a search
# box, a comment target or a register filter, they are words, never a server error.
ODD_REFERENCES = ("RSK-²", "AIS-٣", "CAPA-99999999999999999999999", "INC-")


@pytest.mark.parametrize("typed", ODD_REFERENCES)
def test_odd_references_are_searched_as_words_never_a_server_error(client_as, api_as, owner, typed):
    assert client_as(owner).get(reverse("aims:search"), {"q": typed}).status_code == 200
    assert api_as(owner).get(reverse("api:search"), {"q": typed}).status_code == 200
    for register in ("capa:capa_list", "risk:register", "incidents:incident_list"):
        assert client_as(owner).get(reverse(register), {"q": typed}).status_code == 200


@pytest.mark.parametrize("typed", ODD_REFERENCES)
def test_an_odd_comment_target_is_a_400(api_as, owner, typed):
    response = api_as(owner).get("/api/v1/comments/", {"target": f"risk:{typed}"})
    assert response.status_code in (400, 404), response.content
