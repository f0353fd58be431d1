import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from suppliers import services
from suppliers.models import Supplier, SupplierReview, VendorChangeNotice

from .helpers import completed_review, deployed_system, link_component, make_supplier

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"api:{name}", args=args)


def test_create_supplier_and_bad_input_is_field_errors(api_as, officer):
    client = api_as(officer)
    bad = client.post(
        url("supplier-list"),
        {"name": "", "supplier_type": "astrologer", "reassessment_cadence_months": 99},
        format="json",
    )
    assert bad.status_code == 400
    body = bad.json()
    assert body["code"] == "invalid"
    assert {"name", "supplier_type", "reassessment_cadence_months"} <= set(body["extra"]["fields"])
    good = client.post(
        url("supplier-list"), {"name": "API vendor", "supplier_type": "model_provider"}
    )
    assert good.status_code == 201
    assert good.json()["reference"].startswith("SUP-") and good.json()["status"] == "proposed"


def test_a_refused_registration_answers_permission_denied_with_the_reason(api_as, approver):
    """The suppliers services' own permission check is labelled like every other app's
    refusal (it used to say "invalid"), with the service's message, and nothing is written."""
    response = api_as(approver).post(
        url("supplier-list"), {"name": "API vendor", "supplier_type": "model_provider"}
    )
    assert response.status_code == 403
    assert response.json() == {
        "message": "You may not register suppliers.",
        "code": "permission_denied",
        "extra": {},
    }
    assert not Supplier.objects.exists()


def test_a_refused_status_action_answers_permission_denied_with_the_reason(
    api_as, officer, approver
):
    """An approver may approve suppliers but not suspend them: the service's permission check
    (aims.permissions.require) answers 403 "permission_denied" with the action named, not
    "invalid", and the supplier keeps its status."""
    supplier = make_supplier(officer)
    completed_review(officer, supplier)
    services.supplier_transition(actor=approver, supplier=supplier, action="approve")
    response = api_as(approver).post(
        url("supplier-transition", supplier.pk),
        {"action": "suspend", "reason": "Breach of terms"},
        format="json",
    )
    assert response.status_code == 403
    assert response.json() == {
        "message": "You may not 'Suspend'.",
        "code": "permission_denied",
        "extra": {},
    }
    supplier.refresh_from_db()
    assert supplier.status == "approved"


def test_status_is_not_writable_and_changes_through_actions(api_as, officer, approver):
    supplier = make_supplier(officer)
    client = api_as(officer)
    client.patch(url("supplier-detail", supplier.pk), {"status": "approved"}, format="json")
    supplier.refresh_from_db()
    assert supplier.status == "proposed"
    refused = api_as(approver).post(
        url("supplier-transition", supplier.pk), {"action": "approve"}, format="json"
    )
    assert refused.status_code == 409
    assert refused.json()["code"] == "approval_prerequisites_missing"
    assert refused.json()["extra"]["missing"]
    completed_review(officer, supplier)
    own = api_as(officer).post(
        url("supplier-transition", supplier.pk), {"action": "approve"}, format="json"
    )
    assert own.status_code == 403 and own.json()["code"] == "segregation_of_duties"
    ok = api_as(approver).post(
        url("supplier-transition", supplier.pk), {"action": "approve"}, format="json"
    )
    assert ok.status_code == 200 and ok.json()["status"] == "approved"
    unknown = api_as(approver).post(
        url("supplier-transition", supplier.pk), {"action": "bless"}, format="json"
    )
    assert unknown.status_code == 400 and "action" in unknown.json()["extra"]["fields"]


def test_review_flow_through_the_api(api_as, officer):
    supplier = make_supplier(officer)
    client = api_as(officer)
    started = client.post(url("supplierreview-list"), {"supplier": supplier.pk}, format="json")
    assert started.status_code == 201
    review = started.json()
    answers = review["answers"]
    assert answers and all(a["question_text"] and a["weight"] for a in answers)
    early = client.post(
        url("supplierreview-complete", review["id"]), {"decision": "approve"}, format="json"
    )
    assert early.status_code == 409 and early.json()["code"] == "review_incomplete"
    bad = client.post(
        url("supplierreview-answer", review["id"]),
        {"answers": [{"id": answers[0]["id"], "value": "maybe"}]},
        format="json",
    )
    assert bad.status_code == 400 and "answers" in bad.json()["extra"]["fields"]
    stranger = client.post(
        url("supplierreview-answer", review["id"]),
        {"answers": [{"id": 999999, "value": "yes"}]},
        format="json",
    )
    assert stranger.status_code == 400
    answered = client.post(
        url("supplierreview-answer", review["id"]),
        {"answers": [{"id": a["id"], "value": "no"} for a in answers]},
        format="json",
    )
    assert answered.status_code == 200
    done = client.post(
        url("supplierreview-complete", review["id"]), {"decision": "reject"}, format="json"
    )
    assert done.status_code == 200
    assert done.json()["score"] == "0.0" and done.json()["rating"] == "weak"
    assert SupplierReview.objects.get(pk=review["id"]).status == "completed"


def test_notice_fans_out_and_owner_assesses_through_the_api(
    api_as, officer, approver, owner, other_owner, auditor
):
    supplier = make_supplier(officer)
    system = deployed_system(owner, officer, approver)
    link_component(owner, system, supplier)
    created = api_as(officer).post(
        url("vendorchange-list"),
        {
            "supplier": supplier.pk,
            "affected_service": "acme-llm",
            "kind": "terms_change",
            "source": "vendor_notice",
            "title": "Vendor may now train on prompts",
        },
        format="json",
    )
    assert created.status_code == 201 and created.json()["status"] == "open"
    notice = VendorChangeNotice.objects.get(pk=created.json()["id"])
    impact = notice.impacts.get()
    listed = api_as(owner).get(url("vendorchangeimpact-list")).json()["results"]
    assert [i["id"] for i in listed] == [impact.pk] and listed[0]["under_review"] is True
    assert api_as(other_owner).get(url("vendorchangeimpact-list")).json()["results"] == []
    denied = api_as(auditor).post(
        url("vendorchangeimpact-assess", impact.pk),
        {"assessment": "no_impact", "rationale": "x"},
        format="json",
    )
    assert denied.status_code == 403
    bad = api_as(owner).post(
        url("vendorchangeimpact-assess", impact.pk), {"assessment": "ignore"}, format="json"
    )
    assert bad.status_code == 400
    assert set(bad.json()["extra"]["fields"]) == {"assessment", "rationale"}
    ok = api_as(owner).post(
        url("vendorchangeimpact-assess", impact.pk),
        {"assessment": "revalidate", "rationale": "Re-run the bias tests"},
        format="json",
    )
    assert ok.status_code == 200 and ok.json()["assessment"] == "revalidate"
    assert ok.json()["change_reference"].startswith("CHG-")
    system.refresh_from_db()
    assert system.lifecycle_stage == "in_validation"
    again = api_as(owner).post(
        url("vendorchangeimpact-assess", impact.pk),
        {"assessment": "no_impact", "rationale": "x"},
        format="json",
    )
    assert again.status_code == 409


def test_dependents_endpoint(api_as, officer, approver, owner, other_owner):
    supplier = make_supplier(officer)
    system = deployed_system(owner, officer, approver)
    link_component(owner, system, supplier)
    body = api_as(officer).get(url("supplier-dependents", supplier.pk)).json()
    assert body[0]["reference"] == system.reference
    assert body[0]["components"][0]["model_identifier"] == "acme-llm-2026-01"
    assert api_as(other_owner).get(url("supplier-dependents", supplier.pk)).json() == []


@pytest.mark.parametrize(
    "name", ["supplier-list", "vendorchange-list", "supplierreview-list", "reviewanswer-list"]
)
def test_list_endpoints_query_count_is_constant(api_as, officer, name):
    client = api_as(officer)

    def grow(n):
        for i in range(n):
            supplier = make_supplier(officer, name=f"{name} {Supplier.objects.count()} {i}")
            services.review_start(actor=officer, supplier=supplier)
            services.vendor_change_record(
                actor=officer,
                supplier=supplier,
                data={"affected_service": "x", "kind": "outage", "source": "press", "title": "t"},
            )

    rows = []  # rows each counted request returned: the count compares full lists

    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url(name))
        assert response.status_code == 200
        rows.append(response.json()["count"])
        return len(ctx)

    grow(1)
    few = count()
    grow(8)
    assert count() == few
    assert rows[0] > 0 and rows[1] >= 9 * rows[0]


def test_page_size_is_capped(api_as, officer):
    """A page is at most 100 suppliers, whatever page size is asked for; the rest is on the
    next page."""
    for n in range(101):
        make_supplier(officer, name=f"Vendor {n:03d}")
    client = api_as(officer)
    default = client.get(url("supplier-list")).json()
    assert (default["count"], len(default["results"])) == (101, 25)
    response = client.get(url("supplier-list"), {"page_size": 1000})
    assert response.status_code == 200
    page = response.json()
    assert page["count"] == 101
    assert len(page["results"]) == 100
    assert page["next"] is not None
    rest = client.get(page["next"]).json()
    shown = [row["name"] for row in page["results"] + rest["results"]]
    assert sorted(shown) == [f"Vendor {n:03d}" for n in range(101)]
