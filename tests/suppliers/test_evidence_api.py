"""Evidence on supplier records through the evidence API: listed only to users who may see
the record, and attachable with target_type "suppliers.supplier" (and the other supplier
record types)."""

import pytest
from django.urls import reverse

from aims.evidence.services import evidence_create
from aims.models import Evidence
from suppliers import services

from .helpers import completed_review, make_supplier

pytestmark = pytest.mark.django_db

EVIDENCE_URL = reverse("api:evidence-list")


def titles(client) -> set[str]:
    response = client.get(EVIDENCE_URL)
    assert response.status_code == 200
    return {e["title"] for e in response.json()["results"]}


@pytest.fixture
def supplier_evidence(officer):
    supplier = make_supplier(officer)
    review = completed_review(officer, supplier)
    notice = services.vendor_change_record(
        actor=officer,
        supplier=supplier,
        data={
            "affected_service": "acme-llm",
            "kind": "new_model_version",
            "source": "vendor_notice",
            "title": "acme-llm 2026-06 replaces 2026-01",
        },
    )
    link = {"url": "https://example.org/doc"}
    return {
        "supplier": evidence_create(actor=officer, target=supplier, title="SOC 2", **link),
        "review": evidence_create(actor=officer, target=review, title="Review pack", **link),
        "answer": evidence_create(
            actor=officer, target=review.answers.first(), title="Answer proof", **link
        ),
        "notice": evidence_create(actor=officer, target=notice, title="Vendor mail", **link),
    }


ALL = {"SOC 2", "Review pack", "Answer proof", "Vendor mail"}


@pytest.mark.parametrize(
    "role,sees",
    [
        ("officer", ALL),
        ("auditor", ALL),
        ("owner", {"SOC 2", "Vendor mail"}),  # owners read suppliers and notices, not reviews
        ("nobody", set()),
    ],
)
def test_supplier_evidence_is_listed_to_who_may_see_the_record(
    request, api_as, supplier_evidence, role, sees
):
    client = api_as(request.getfixturevalue(role))
    assert titles(client) == sees
    for evidence in supplier_evidence.values():
        url = reverse("api:evidence-detail", args=[evidence.pk])
        assert client.get(url).status_code == (200 if evidence.title in sees else 404)


def test_officer_attaches_evidence_to_a_supplier_via_the_api(api_as, officer, auditor):
    supplier = make_supplier(officer)
    response = api_as(officer).post(
        EVIDENCE_URL,
        {
            "target_type": "suppliers.supplier",
            "target_id": supplier.pk,
            "title": "ISO 27001 certificate",
            "url": "https://example.org/iso27001",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["target_type"], body["target_reference"]) == (
        "suppliers.supplier",
        supplier.reference,
    )
    assert titles(api_as(auditor)) == {"ISO 27001 certificate"}


def test_a_user_without_access_cannot_attach_to_a_supplier(api_as, officer, nobody):
    supplier = make_supplier(officer)
    response = api_as(nobody).post(
        EVIDENCE_URL,
        {
            "target_type": "suppliers.supplier",
            "target_id": supplier.pk,
            "title": "Sneaky",
            "url": "https://example.org/x",
        },
        format="json",
    )
    assert response.status_code in (400, 403)
    assert not Evidence.objects.exists()
