"""The global search over every registered type, on PostgreSQL (full-text search read off each
register's GIN index) and SQLite (word-by-word ``icontains``): the same records found by a
word, by the beginning of a word and by reference, and for each person only what their
register shows them (the type's own visibility selector)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from aims.capa import services as capa_services
from aims.evidence.services import evidence_create
from aims.ms import services as ms_services
from aims.search.registry import searchable_types
from aims.search.selectors import global_search
from audits.models import Finding, InternalAudit
from incidents.services import incidents as incident_services
from suppliers import services as supplier_services
from tests.factories import make_risk, make_system

pytestmark = pytest.mark.django_db

TYPES = {
    "inventory.aisystem",
    "risk.risk",
    "incidents.incident",
    "suppliers.supplier",
    "suppliers.vendorchangenotice",
    "audits.finding",
    "audits.internalaudit",
    "aims.correctiveaction",
    "aims.evidence",
    "aims.policy",
    "aims.objective",
}


def _incident(owner, system, title: str):
    return incident_services.incident_report(
        actor=owner,
        system=system,
        title=title,
        description="Applicants were ranked by age.",
        detection_channel="audit",
        category="bias",
        severity="sev2",
    )


def _estate_of(owner, officer, word: str) -> dict:
    """An owner's system with a risk, an incident, evidence and a corrective action, each
    titled with ``word``."""
    system = make_system(owner, name=f"{word} triage assistant", purpose="Sorts claims.")
    incident = _incident(owner, system, f"{word} ranking went wrong")
    return {
        "inventory.aisystem": system,
        "risk.risk": make_risk(owner, system, title=f"{word} data drifts"),
        "incidents.incident": incident,
        "aims.evidence": evidence_create(
            actor=owner, target=system, title=f"{word} test report", url="https://example.org/t"
        ),
        "aims.correctiveaction": capa_services.capa_create(
            actor=officer,
            source=incident,
            title=f"Retrain the {word} model",
            nonconformity="Ranking used age.",
            action_plan="Remove the feature.",
            due_date=timezone.localdate() + timedelta(days=30),
        ),
    }


def _registers(officer, word: str) -> dict:
    """The organisation's records titled with ``word``: supplier, vendor change notice,
    internal audit and finding, policy, objective."""
    supplier = supplier_services.supplier_create(
        actor=officer, data={"name": f"{word} hosting", "supplier_type": "model_provider"}
    )
    notice = supplier_services.vendor_change_record(
        actor=officer,
        supplier=supplier,
        data={
            "affected_service": "Hosted API",
            "kind": "deprecation",
            "source": "press",
            "title": f"{word} model retired",
        },
    )
    today = timezone.localdate()
    with transaction.atomic():  # history rows written outside a service
        audit = InternalAudit.objects.create(
            title=f"{word} controls audit",
            scope="Clauses 4 to 10",
            lead_auditor=officer,
            planned_start=today,
            planned_end=today + timedelta(days=3),
        )
        finding = Finding.objects.create(
            audit=audit,
            kind=Finding.Kind.values[0],
            title=f"{word} checklist incomplete",
            description="Two controls were not assessed.",
            raised_by=officer,
            owner=officer,
            due_date=today + timedelta(days=30),
        )
    policy = ms_services.policy_create(
        actor=officer, title=f"{word} acceptable use", body="We use AI with care."
    )
    objective = ms_services.objective_create(
        actor=officer,
        data={
            "title": f"{word} staff trained",
            "measure": "Share of staff trained",
            "baseline": Decimal("20"),
            "target_value": Decimal("80"),
            "unit": "%",
            "due_date": today + timedelta(days=90),
        },
    )
    return {
        "suppliers.supplier": supplier,
        "suppliers.vendorchangenotice": notice,
        "audits.internalaudit": audit,
        "audits.finding": finding,
        "aims.policy": policy,
        "aims.objective": objective,
    }


@pytest.fixture
def world(officer, owner, other_owner):
    return {
        "mine": _estate_of(owner, officer, "Quokka"),
        "theirs": _estate_of(other_owner, officer, "Quokka"),
        "registers": _registers(officer, "Quokka"),
    }


def by_type(results) -> dict[str, set[str]]:
    return {g.key: {hit.reference for hit in g.hits} for g in results.groups}


def visible_matches(user, word: str) -> dict[str, set[str]]:
    """What the search must find: per type, the rows of the type's own selector (the
    visibility path) whose searched fields contain ``word``, read in Python."""
    expected = {}
    for search_type in searchable_types():
        refs = {
            obj.reference
            for obj in search_type.rows(user)
            if any(
                word.lower() in str(getattr(obj, f) or "").lower()
                for f in search_type.searched_fields()
            )
        }
        if refs:
            expected[search_type.key] = refs
    return expected


def test_every_searched_type_is_covered():
    assert {t.key for t in searchable_types()} == TYPES


def test_officer_finds_every_type_by_word_and_beginning_of_word(officer, world):
    everything = by_type(global_search(user=officer, query="quokka"))
    assert set(everything) == TYPES
    assert everything["inventory.aisystem"] == {
        world["mine"]["inventory.aisystem"].reference,
        world["theirs"]["inventory.aisystem"].reference,
    }
    assert by_type(global_search(user=officer, query="QUOK")) == everything
    # Every word must match; a second word narrows to the records that have both.
    narrowed = by_type(global_search(user=officer, query="quokka retrain"))
    assert narrowed == {"aims.correctiveaction": everything["aims.correctiveaction"]}


@pytest.mark.parametrize("role", ["officer", "owner", "other_owner", "auditor", "approver"])
def test_each_person_finds_what_their_registers_show_them(request, world, role):
    user = request.getfixturevalue(role)
    assert by_type(global_search(user=user, query="quokka")) == visible_matches(user, "quokka")


def test_owner_finds_their_own_estate_and_nothing_of_anothers(owner, world):
    found = by_type(global_search(user=owner, query="quokka"))
    for key, record in world["mine"].items():
        assert record.reference in found.get(key, set()), key
    for key, record in world["theirs"].items():
        assert record.reference not in found.get(key, set()), key
        by_reference = global_search(user=owner, query=record.reference)
        assert by_reference.exact is None, key


def test_auditor_finds_every_system_and_risk(auditor, world):
    found = by_type(global_search(user=auditor, query="quokka"))
    for estate in ("mine", "theirs"):
        for key in ("inventory.aisystem", "risk.risk"):
            assert world[estate][key].reference in found[key]


def test_every_type_is_found_by_its_reference(officer, world):
    for key, record in {**world["mine"], **world["registers"]}.items():
        results = global_search(user=officer, query=record.reference.lower())
        assert by_type(results).get(key) == {record.reference}, key
        assert results.exact is not None and results.exact.reference == record.reference


@pytest.mark.parametrize("query", ["zebra", "quokka zebra", "!!!"])
def test_words_nothing_has_find_nothing(officer, world, query):
    assert global_search(user=officer, query=query).groups == []
