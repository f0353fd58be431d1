"""The supplier History page: who changed what, when and why, for the supplier and the
records under it, with the same visibility as the supplier itself."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from suppliers import services

from .helpers import completed_review, deployed_system, link_component, make_supplier

pytestmark = pytest.mark.django_db


def history(client, supplier) -> list[dict]:
    response = client.get(reverse("suppliers:supplier_history", args=[supplier.pk]))
    assert response.status_code == 200
    return response.context["history"]


def test_history_shows_who_created_and_who_changed_the_status(
    client_as, officer, approver, auditor
):
    supplier = make_supplier(officer)
    completed_review(officer, supplier)
    services.supplier_transition(actor=approver, supplier=supplier, action="approve")
    services.supplier_transition(
        actor=officer, supplier=supplier, action="offboard", reason="Contract ended"
    )

    entries = history(client_as(auditor), supplier)
    own = [e for e in entries if e["model"] == "suppliers.supplier"]
    created = own[-1]
    # The page gets the people themselves, to name them by full name.
    assert (created["history_type"], created["history_user"]) == ("+", officer)

    status_changes = [
        (e["history_user"], c["old"], c["new"], e["history_change_reason"])
        for e in own
        for c in e["changes"]
        if c["field"] == "status"
    ]
    assert status_changes[0][0] == officer  # newest first: the offboarding
    assert status_changes[0][2] == "Offboarded"
    assert any(user == approver and new == "Approved" for user, _, new, _ in status_changes)

    dates = [e["history_date"] for e in entries]
    assert dates == sorted(dates, reverse=True)
    models = {e["model"] for e in entries}
    assert {"suppliers.supplierreview", "suppliers.reviewanswer"} <= models

    page = client_as(auditor).get(reverse("suppliers:supplier_history", args=[supplier.pk]))
    assert escape(officer.get_full_name()).encode() in page.content
    assert escape(approver.get_full_name()).encode() in page.content


def test_detail_page_links_to_history(client_as, officer):
    supplier = make_supplier(officer)
    page = client_as(officer).get(reverse("suppliers:supplier_detail", args=[supplier.pk]))
    assert reverse("suppliers:supplier_history", args=[supplier.pk]).encode() in page.content


def test_history_includes_vendor_changes_and_impacts(client_as, officer, owner, approver):
    supplier = make_supplier(officer)
    system = deployed_system(owner, officer, approver)
    link_component(owner, system, supplier)
    services.vendor_change_record(
        actor=officer,
        supplier=supplier,
        data={
            "affected_service": "acme-llm",
            "kind": "new_model_version",
            "source": "vendor_notice",
            "title": "acme-llm 2026-06 replaces 2026-01",
        },
    )
    models = {e["model"] for e in history(client_as(officer), supplier)}
    assert {"suppliers.vendorchangenotice", "suppliers.vendorchangeimpact"} <= models
    # The system owner reads the supplier, its notices and the impact on their own system,
    # not its reviews.
    seen_by_owner = {e["model"] for e in history(client_as(owner), supplier)}
    assert "suppliers.vendorchangeimpact" in seen_by_owner
    assert "suppliers.supplierreview" not in seen_by_owner


def test_history_is_hidden_like_the_supplier(client, client_as, nobody, officer):
    supplier = make_supplier(officer)
    url = reverse("suppliers:supplier_history", args=[supplier.pk])
    assert client_as(nobody).get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_history_query_count_does_not_grow_with_rows(client_as, officer):
    supplier = make_supplier(officer)
    client = client_as(officer)
    url = reverse("suppliers:supplier_history", args=[supplier.pk])

    rows = []  # history rows each counted page showed: the count compares full histories

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200
        rows.append(response.content.decode().count("<tr"))
        return len(ctx)

    few = count()
    for _ in range(3):
        completed_review(officer, supplier)
    assert count() <= few + 1  # + the username query, once there are more users to resolve
    assert rows[-1] > rows[0] > 1  # the header row and the creation, then the reviews
