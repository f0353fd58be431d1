"""The ISO/IEC 27001 pages: list (search, filters, sort, export), detail, edit, mappings with
review and reject, proposing a mapping, and the SoA statement's "supported by" section.
Officers write; auditors and approvers read; owners and people without a role see nothing."""

import pytest
from django.urls import reverse

from audits.iso27001 import services
from audits.models import ControlMapping

from .helpers import (
    attach,
    control,
    implement,
    make_42001_ready_but_evidence,
    statement,
    suggestion,
)

pytestmark = pytest.mark.django_db


def test_the_list_filters_sorts_and_exports(client_as, auditor):
    client = client_as(auditor)
    url = reverse("iso27001:control_list")
    page = client.get(url, {"theme": "people"})
    assert page.status_code == 200
    assert [c.code for c in page.context["controls"]] == [f"6.{n}" for n in range(1, 9)]
    found = client.get(url, {"q": "8.15"})
    assert [c.code for c in found.context["controls"]] == ["8.15"]
    desc = client.get(url, {"sort": "-code"})
    assert desc.context["controls"][0].code == "8.34"
    csv = client.get(reverse("iso27001:control_export"), {"theme": "physical"})
    lines = b"".join(csv.streaming_content).decode().splitlines()
    assert lines[0].startswith("Control,Title,Theme") and len(lines) == 15
    xlsx = client.get(reverse("iso27001:control_export_xlsx"))
    assert xlsx.status_code == 200 and "spreadsheet" in xlsx["Content-Type"]


def test_list_queries_are_bounded_whatever_the_page_size(
    client_as, officer, django_assert_max_num_queries
):
    client = client_as(officer)
    for code in ("5.1", "8.15", "8.16"):
        services.control_update(actor=officer, control=control(code), data={"owner": officer})
    with django_assert_max_num_queries(12):
        small = client.get(reverse("iso27001:control_list"), {"page_size": 25})
    with django_assert_max_num_queries(12):
        large = client.get(reverse("iso27001:control_list"), {"page_size": 100})
    assert len(small.context["controls"]) == 25 and len(large.context["controls"]) == 93
    with django_assert_max_num_queries(14):
        mappings = client.get(reverse("iso27001:mapping_list"), {"page_size": 100})
    assert len(mappings.context["rows"]) == ControlMapping.objects.count()


def test_officer_edits_a_control_and_history_shows_it(client_as, officer):
    client = client_as(officer)
    c = control("8.15")
    response = client.post(
        reverse("iso27001:control_edit", args=[c.pk]),
        {
            "applicable": "on",
            "implementation_status": "implemented",
            "implementation_notes": "Central log store",
            "owner": officer.pk,
            "last_reviewed": "2026-11-30",
        },
    )
    assert response.status_code == 302
    c.refresh_from_db()
    assert c.implementation_status == "implemented" and c.owner == officer
    assert c.history.latest().history_user == officer
    detail = client.get(reverse("iso27001:control_detail", args=[c.pk]))
    assert b"Central log store" in detail.content and b"A.6.2.8" in detail.content


def test_readers_cannot_write_and_others_cannot_read(client_as, auditor, approver, owner, nobody):
    c = control("8.15")
    mapping = suggestion("8.15", "A.6.2.8")
    for user in (auditor, approver):
        client = client_as(user)
        assert client.get(reverse("iso27001:control_detail", args=[c.pk])).status_code == 200
        assert client.get(reverse("iso27001:control_edit", args=[c.pk])).status_code == 403
        assert (
            client.post(
                reverse("iso27001:control_edit", args=[c.pk]),
                {"implementation_status": "implemented"},
            ).status_code
            == 403
        )
        assert client.post(reverse("iso27001:mapping_review", args=[mapping.pk])).status_code == 403
        assert client.get(reverse("iso27001:mapping_add")).status_code == 403
    for user in (owner, nobody):
        client = client_as(user)
        assert client.get(reverse("iso27001:control_list")).status_code == 403
        assert client.get(reverse("iso27001:mapping_list")).status_code == 403
    assert control("8.15").implementation_status == "not_implemented"
    assert ControlMapping.objects.get(pk=mapping.pk).status == "proposed"


def test_officer_reviews_and_a_second_review_is_refused_on_the_page(client_as, officer):
    client = client_as(officer)
    mapping = suggestion("8.15", "A.6.2.8")
    page = client.get(reverse("iso27001:mapping_detail", args=[mapping.pk]))
    assert b"Confirm the mapping" in page.content
    done = client.post(reverse("iso27001:mapping_review", args=[mapping.pk]), {"note": "ok"})
    assert done.status_code == 302
    mapping.refresh_from_db()
    assert mapping.status == "reviewed" and mapping.reviewed_by == officer
    again = client.post(reverse("iso27001:mapping_review", args=[mapping.pk]))
    assert again["X-Refused"] == "409"
    page = client.get(reverse("iso27001:mapping_detail", args=[mapping.pk]))
    assert b"Confirm the mapping" not in page.content


def test_officer_rejects_with_a_reason(client_as, officer):
    client = client_as(officer)
    mapping = suggestion("5.19", "A.10.3")
    empty = client.post(reverse("iso27001:mapping_reject", args=[mapping.pk]), {"reason": ""})
    assert empty["X-Refused"] == "400"
    client.post(reverse("iso27001:mapping_reject", args=[mapping.pk]), {"reason": "No suppliers"})
    mapping.refresh_from_db()
    assert mapping.status == "rejected" and mapping.decision_note == "No suppliers"


def test_proposing_a_mapping_with_bad_input_shows_clear_errors(client_as, officer):
    client = client_as(officer)
    url = reverse("iso27001:mapping_add")
    base = {"security_control": control("8.15").pk, "rationale": "Logs", "source": "own_analysis"}
    unknown = client.post(url, {**base, "item_code": "A.99.9"})
    assert unknown.status_code == 400
    assert "is not an ISO/IEC 42001 clause or control" in str(unknown.context["form"].errors)
    duplicate = client.post(url, {**base, "item_code": "A.6.2.8"})
    assert duplicate.status_code == 400
    assert "already mapped to A.6.2.8" in str(duplicate.context["form"].errors["item_code"])
    document = client.post(url, {**base, "item_code": "A.6.2.6", "source": "document"})
    assert "source_detail" in document.context["form"].errors
    created = client.post(
        url, {**base, "item_code": "a.6.2.6", "source": "document", "source_detail": "ISMS-7"}
    )
    assert created.status_code == 302
    mapping = ControlMapping.objects.get(security_control__code="8.15", item__code="A.6.2.6")
    assert mapping.proposed_by == officer and mapping.source_detail == "ISMS-7"


def test_the_soa_statement_lists_reviewed_mappings_and_the_evidence_source(
    client_as, officer, auditor
):
    make_42001_ready_but_evidence(officer, "A.6.2.8")
    implement(officer, "8.15")
    attach(officer, "8.15")
    s = statement("A.6.2.8")
    url = reverse("soa:statement_detail", args=[s.pk])
    before = client_as(auditor).get(url).content.decode()
    assert "Supported by ISO/IEC 27001" in before and "No reviewed mapping" in before
    services.mapping_review(actor=officer, mapping=suggestion("8.15", "A.6.2.8"))
    after = client_as(auditor).get(url).content.decode()
    assert "Recording activity logs" in after
    assert "Counts evidence from ISO/IEC 27001 8.15 via a mapping reviewed by" in after


def test_the_proposer_is_told_why_they_cannot_review(client_as, officer):
    client = client_as(officer)
    client.post(
        reverse("iso27001:mapping_add"),
        {
            "security_control": control("8.16").pk,
            "item_code": "A.9.2",
            "rationale": "Monitoring",
            "source": "own_analysis",
        },
    )
    mapping = ControlMapping.objects.get(security_control__code="8.16", item__code="A.9.2")
    page = client.get(reverse("iso27001:mapping_detail", args=[mapping.pk])).content.decode()
    assert "another officer reviews it" in page and "Confirm the mapping" not in page
    refused = client.post(reverse("iso27001:mapping_review", args=[mapping.pk]))
    assert refused.status_code == 403
    assert ControlMapping.objects.get(pk=mapping.pk).status == "proposed"
