import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from suppliers import services
from suppliers.models import ReviewQuestion, Supplier, VendorChangeImpact

from .helpers import completed_review, deployed_system, link_component, make_supplier

pytestmark = pytest.mark.django_db


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        assert response.status_code == 200
    return len(ctx)


def test_supplier_list_query_count_does_not_grow_with_rows(client_as, officer):
    client = client_as(officer)
    make_supplier(officer)
    few = queries_for(client, reverse("suppliers:supplier_list"))
    for i in range(15):
        make_supplier(officer, name=f"Vendor {i}")
    assert queries_for(client, reverse("suppliers:supplier_list")) == few


def test_supplier_list_filters_and_search(client_as, officer):
    acme = make_supplier(officer)
    make_supplier(officer, name="Data Co", supplier_type="data_provider")
    client = client_as(officer)
    page = client.get(reverse("suppliers:supplier_list"), {"supplier_type": "data_provider"})
    assert b"Data Co" in page.content and b"Acme Models" not in page.content
    page = client.get(reverse("suppliers:supplier_list"), {"q": acme.reference})
    assert page.context["page_obj"].paginator.count == 1


def test_register_a_supplier_through_the_form(client_as, officer):
    response = client_as(officer).post(
        reverse("suppliers:supplier_add"),
        {
            "name": "Form vendor",
            "supplier_type": "integrator",
            "criticality": "low",
            "trains_on_our_data": "no",
            "reassessment_cadence_months": 12,
            "contract_start": "2026-01-01",
            "contract_end": "2025-01-01",
        },
    )
    assert response.status_code == 400
    assert "cannot end before it starts" in response.content.decode()
    assert not Supplier.objects.filter(name="Form vendor").exists()


def test_export_is_csv_of_the_register_with_formulas_neutralised(client_as, officer):
    make_supplier(officer, name="=HYPERLINK(1)")
    make_supplier(officer, name="Plain vendor")
    response = client_as(officer).get(reverse("suppliers:supplier_export"))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["Reference", "Name", "Type"]
    names = {r[1] for r in rows[1:]}
    assert names == {"'=HYPERLINK(1)", "Plain vendor"}


def test_detail_lists_dependent_systems_and_components(client_as, officer, approver, owner):
    supplier = make_supplier(officer)
    system = deployed_system(owner, officer, approver)
    link_component(owner, system, supplier, name="Chat model")
    page = client_as(officer).get(reverse("suppliers:supplier_detail", args=[supplier.pk]))
    content = page.content.decode()
    assert system.reference in content and "Chat model" in content
    assert "acme-llm-2026-01" in content


def test_approval_refusal_is_shown_with_the_reason(client_as, officer, approver):
    supplier = make_supplier(officer)
    client = client_as(approver)
    response = client.post(
        reverse("suppliers:supplier_transition", args=[supplier.pk, "approve"]), follow=True
    )
    assert "completed due-diligence review is needed" in response.content.decode()
    supplier.refresh_from_db()
    assert supplier.status == "proposed"
    completed_review(officer, supplier)
    client.post(reverse("suppliers:supplier_transition", args=[supplier.pk, "approve"]))
    supplier.refresh_from_db()
    assert supplier.status == "approved"


def test_answering_and_completing_a_review_in_the_browser(client_as, officer):
    supplier = make_supplier(officer)
    client = client_as(officer)
    response = client.post(reverse("suppliers:review_start", args=[supplier.pk]))
    review = supplier.reviews.get()
    assert response["Location"] == reverse("suppliers:review_detail", args=[review.pk])
    answers = list(review.answers.all())
    bad = client.post(
        reverse("suppliers:review_detail", args=[review.pk]), {f"value-{answers[0].pk}": "??"}
    )
    assert bad.status_code == 400
    data = {f"value-{a.pk}": "yes" for a in answers}
    data[f"comment-{answers[0].pk}"] = "See SOC 2 report"
    client.post(reverse("suppliers:review_detail", args=[review.pk]), data)
    answers[0].refresh_from_db()
    assert answers[0].value == "yes" and answers[0].comment == "See SOC 2 report"
    client.post(reverse("suppliers:review_complete", args=[review.pk]), {"decision": "approve"})
    review.refresh_from_db()
    assert review.status == "completed" and review.rating == "strong"
    page = client.get(reverse("suppliers:review_detail", args=[review.pk]))
    assert "Score <strong>100.0</strong>" in page.content.decode()


def test_review_page_query_count_is_constant(client_as, officer):
    supplier = make_supplier(officer)
    review = services.review_start(actor=officer, supplier=supplier)
    client = client_as(officer)
    url = reverse("suppliers:review_detail", args=[review.pk])
    few = queries_for(client, url)
    for i in range(10):
        services.question_save(
            actor=officer, question=ReviewQuestion(), data={"topic": "security", "text": f"Q{i}?"}
        )
    # The new questions only reach reviews started from now on.
    second = services.review_start(actor=officer, supplier=make_supplier(officer, name="B"))
    assert second.answers.count() > review.answers.count()
    assert queries_for(client, reverse("suppliers:review_detail", args=[second.pk])) == few


def test_owner_sees_the_flag_and_assesses_in_the_browser(
    client_as, officer, approver, owner, other_owner
):
    supplier = make_supplier(officer)
    system = deployed_system(owner, officer, approver)
    link_component(owner, system, supplier)
    notice = services.vendor_change_record(
        actor=officer,
        supplier=supplier,
        data={
            "affected_service": "acme-llm",
            "kind": "new_model_version",
            "source": "vendor_notice",
            "title": "New version",
        },
    )
    impact = notice.impacts.get()
    client = client_as(owner)
    dashboard = client.get(reverse("aims:dashboard")).content.decode()
    assert notice.reference in dashboard
    assert reverse("suppliers:impact_assess", args=[impact.pk]) in dashboard
    page = client.get(reverse("suppliers:notice_detail", args=[notice.pk])).content.decode()
    assert "Change under review" in page and system.name in page
    assert (
        client_as(other_owner).get(reverse("suppliers:impact_assess", args=[impact.pk])).status_code
        == 404
    )
    client = client_as(owner)
    missing = client.post(
        reverse("suppliers:impact_assess", args=[impact.pk]), {"assessment": "no_impact"}
    )
    assert missing.status_code == 400
    client.post(
        reverse("suppliers:impact_assess", args=[impact.pk]),
        {"assessment": "no_impact", "rationale": "Outputs unchanged on our test set"},
    )
    impact.refresh_from_db()
    # On a high-tier system the owner's "no impact" waits for an officer (issue 13, part 8).
    assert impact.assessment == VendorChangeImpact.Assessment.NO_IMPACT_PROPOSED
    page = client.get(reverse("suppliers:notice_detail", args=[notice.pk])).content.decode()
    assert "Change under review" in page and "awaiting officer confirmation" in page
    officer_client = client_as(officer)
    officer_client.post(
        reverse("suppliers:impact_confirm", args=[impact.pk]),
        {"decision": "confirm", "reason": "Checked the vendor's release notes"},
    )
    impact.refresh_from_db()
    assert impact.assessment == VendorChangeImpact.Assessment.NO_IMPACT
    page = client.get(reverse("suppliers:notice_detail", args=[notice.pk])).content.decode()
    assert "Change under review" not in page and "Reviewed" in page


def test_dashboard_lists_open_changes_oldest_first(client_as, officer, approver, owner):
    supplier = make_supplier(officer)
    system = deployed_system(owner, officer, approver)
    link_component(owner, system, supplier)
    data = {"affected_service": "x", "kind": "outage", "source": "press"}
    first = services.vendor_change_record(
        actor=officer, supplier=supplier, data={**data, "title": "First change"}
    )
    second = services.vendor_change_record(
        actor=officer, supplier=supplier, data={**data, "title": "Second change"}
    )
    panel = client_as(officer).get(reverse("aims:dashboard")).content.decode()
    assert panel.index(first.reference) < panel.index(second.reference)


def test_evidence_attaches_to_an_answer_and_a_supplier(client_as, officer, owner):
    from aims.models import Evidence

    supplier = make_supplier(officer)
    review = services.review_start(actor=officer, supplier=supplier)
    answer = review.answers.first()
    client = client_as(officer)
    for label, pk in (("suppliers.reviewanswer", answer.pk), ("suppliers.supplier", supplier.pk)):
        response = client.post(
            reverse("aims:evidence_attach", args=[label, pk]),
            {"title": "SOC 2 type II report", "url": "https://example.org/soc2"},
        )
        assert response.status_code == 302, response.content[:300]
    assert Evidence.objects.filter(target_id=answer.pk, target_type__model="reviewanswer").exists()
    assert Evidence.objects.filter(target_id=supplier.pk, target_type__model="supplier").exists()
    refused = client_as(owner).post(
        reverse("aims:evidence_attach", args=["suppliers.supplier", supplier.pk]),
        {"title": "x", "url": "https://example.org/x"},
    )
    assert refused.status_code in (403, 404)


def test_a_refused_edit_keeps_the_input_and_says_why_with_status_409(client_as, officer):
    supplier = make_supplier(officer)
    Supplier.objects.filter(pk=supplier.pk).update(status="offboarded")
    response = client_as(officer).post(
        reverse("suppliers:supplier_edit", args=[supplier.pk]),
        {
            "name": "Renamed vendor",
            "supplier_type": "integrator",
            "criticality": "low",
            "trains_on_our_data": "no",
            "reassessment_cadence_months": 12,
        },
    )
    html = response.content.decode()
    assert response.status_code == 409
    assert "An offboarded supplier is kept as it was" in html
    assert 'value="Renamed vendor"' in html
    supplier.refresh_from_db()
    assert supplier.name == "Acme Models"
