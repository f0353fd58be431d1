"""Pages and API of certification bodies, external audits and certificates: who may do what,
field errors, refusals with their reason, the readiness check, the register's export, the
dashboard panel and bounded queries."""

from datetime import timedelta

import pytest
from django.urls import reverse

from audits.certification.models import Certificate, CertificationBody, ExternalAudit

from .audit_helpers import TODAY, body, certified, completed, plan

pytestmark = pytest.mark.django_db


# --- Pages ----------------------------------------------------------------------------------


def test_officer_plans_an_audit_from_the_page_with_sampled_systems(client_as, officer, system):
    cb = body(officer)
    client = client_as(officer)
    response = client.post(
        reverse("certification:audit_create"),
        {
            "body": cb.pk,
            "kind": "stage2",
            "start_date": (TODAY + timedelta(days=10)).isoformat(),
            "end_date": (TODAY + timedelta(days=11)).isoformat(),
            "scope": "Whole AIMS",
            "sampled_systems": [system.pk],
        },
    )
    audit = ExternalAudit.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "certification:audit_detail", args=[audit.pk]
    )
    assert list(audit.sampled_systems.all()) == [system]
    page = client.get(response["Location"]).content.decode()
    assert 'id="stage2-warning"' in page  # no stage 1 recorded
    assert 'id="audit-readiness"' in page  # planned: the readiness check is shown
    assert "No internal audit is recorded." in page


def test_wrong_dates_on_the_page_are_shown_on_the_field(client_as, officer):
    cb = body(officer)
    response = client_as(officer).post(
        reverse("certification:audit_create"),
        {
            "body": cb.pk,
            "kind": "stage1",
            "start_date": TODAY.isoformat(),
            "end_date": (TODAY - timedelta(days=3)).isoformat(),
            "scope": "x",
        },
    )
    assert response.status_code == 400
    assert "The audit cannot end before it starts." in response.content.decode()
    assert not ExternalAudit.objects.exists()


def test_complete_from_the_page_then_record_the_certificate(client_as, officer):
    audit = plan(officer, body(officer))
    client = client_as(officer)
    client.post(reverse("certification:audit_transition", args=[audit.pk, "start"]))
    url = reverse("certification:audit_transition", args=[audit.pk, "complete"])
    assert "Ready for stage 2" not in client.get(url).content.decode()  # not a stage 2 outcome
    response = client.post(url, {"outcome": "recommended", "notes": "Good"})
    assert response.status_code == 302
    audit.refresh_from_db()
    assert audit.status == "completed"
    detail = client.get(reverse("certification:audit_detail", args=[audit.pk])).content.decode()
    assert 'id="record-certificate"' in detail
    response = client.post(
        reverse("certification:certificate_create"),
        {
            "issuing_audit": audit.pk,
            "number": "AIMS-42",
            "body": audit.body.pk,
            "scope": "All",
            "issued_on": TODAY.isoformat(),
            "expires_on": (TODAY + timedelta(days=365 * 3)).isoformat(),
        },
    )
    cert = Certificate.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("certification:certificate_detail", args=[cert.pk])
    page = client.get(response["Location"]).content.decode()
    assert page.count("Surveillance audit") >= 2 and 'id="next-audit"' in page


def test_a_refused_transition_on_the_page_keeps_the_record(client_as, officer):
    audit = plan(officer, body(officer))
    response = client_as(officer).post(
        reverse("certification:audit_transition", args=[audit.pk, "complete"]),
        {"outcome": "recommended"},
    )
    assert response.status_code == 409
    assert "not possible while" in response.content.decode()
    audit.refresh_from_db()
    assert audit.status == "planned"


def test_owner_is_refused_and_auditor_reads_but_cannot_write(client_as, officer, owner, auditor):
    audit = plan(officer, body(officer))
    client = client_as(owner)
    assert client.get(reverse("certification:audit_list")).status_code == 403
    assert client.get(reverse("certification:audit_detail", args=[audit.pk])).status_code == 404
    client = client_as(auditor)
    assert client.get(reverse("certification:audit_list")).status_code == 200
    page = client.get(reverse("certification:audit_detail", args=[audit.pk])).content.decode()
    assert audit.reference in page and 'data-action="start"' not in page
    assert client.get(reverse("certification:audit_create")).status_code == 403
    response = client.post(reverse("certification:audit_transition", args=[audit.pk, "start"]))
    assert response.status_code == 403
    audit.refresh_from_db()
    assert audit.status == "planned"


def test_register_filters_and_exports_the_same_rows(client_as, officer):
    cb = body(officer)
    plan(officer, cb, "stage1", title="First visit")
    plan(officer, cb, "stage2", title="Second visit")
    client = client_as(officer)
    page = client.get(reverse("certification:audit_list"), {"kind": "stage1"}).content.decode()
    assert "First visit" in page and "Second visit" not in page
    export = client.get(reverse("certification:audit_export"), {"kind": "stage1"})
    text = b"".join(export.streaming_content).decode()
    assert "First visit" in text and "Second visit" not in text
    xlsx = client.get(reverse("certification:audit_export_xlsx"))
    assert xlsx.status_code == 200


def test_register_reads_in_a_bounded_number_of_queries(
    client_as, officer, django_assert_max_num_queries
):
    cb = body(officer)
    for n in range(12):
        plan(officer, cb, "stage1", title=f"Visit {n}")
    client = client_as(officer)
    client.get(reverse("certification:audit_list"))
    with django_assert_max_num_queries(20):
        response = client.get(reverse("certification:audit_list"), {"page_size": 50})
    assert response.content.decode().count("Visit ") >= 12


def test_empty_states(client_as, officer):
    client = client_as(officer)
    assert (
        "No external audit matches."
        in client.get(reverse("certification:audit_list")).content.decode()
    )
    assert (
        "No certificate recorded."
        in client.get(reverse("certification:certificate_list")).content.decode()
    )
    assert (
        "No certification body recorded yet."
        in client.get(reverse("certification:body_list")).content.decode()
    )


def test_dashboard_panel_before_and_after_certification(client_as, officer, approver):
    client = client_as(officer)
    home = reverse("aims:dashboard")
    page = client.get(home).content.decode()
    assert 'id="not-certified"' in page
    cert = certified(officer, issued=TODAY - timedelta(days=365 * 3 - 100))
    page = client_as(approver).get(home).content.decode()
    assert cert.number in page and 'id="expiry-warning"' in page
    assert 'id="next-external-audit"' in page


# --- API ------------------------------------------------------------------------------------


def test_api_plans_an_audit_and_refuses_bad_input(api_as, officer):
    cb = body(officer)
    api = api_as(officer)
    url = reverse("api:externalaudit-list")
    bad = api.post(
        url,
        {
            "body": cb.pk,
            "kind": "surveillance",
            "start_date": TODAY.isoformat(),
            "end_date": (TODAY - timedelta(days=1)).isoformat(),
            "scope": "x",
        },
        format="json",
    )
    assert bad.status_code == 400
    assert {"end_date", "certificate"} <= set(bad.json()["extra"]["fields"])
    status_write = api.post(
        url,
        {"body": cb.pk, "kind": "stage1", "start_date": TODAY.isoformat(),
         "end_date": TODAY.isoformat(), "scope": "x", "status": "completed"},
        format="json",
    )  # fmt: skip
    assert status_write.status_code == 400 and "status" in status_write.json()["extra"]["fields"]
    created = api.post(
        url,
        {"body": cb.pk, "kind": "stage2", "start_date": TODAY.isoformat(),
         "end_date": TODAY.isoformat(), "scope": "x"},
        format="json",
    )  # fmt: skip
    assert created.status_code == 201
    body_ = created.json()
    assert body_["reference"].startswith("EXA-") and body_["status"] == "planned"
    assert body_["warnings"] and "stage 1" in body_["warnings"][0]


def test_api_transitions_and_refusals(api_as, officer):
    audit = plan(officer, body(officer))
    api = api_as(officer)
    complete = reverse("api:externalaudit-complete", args=[audit.pk])
    refused = api.post(complete, {"outcome": "recommended"}, format="json")
    assert refused.status_code == 409 and refused.json()["code"] == "transition_not_allowed"
    assert api.post(reverse("api:externalaudit-start", args=[audit.pk])).status_code == 200
    wrong = api.post(complete, {"outcome": "ready_for_stage2"}, format="json")
    assert wrong.status_code == 400 and "outcome" in wrong.json()["extra"]["fields"]
    done = api.post(complete, {"outcome": "recommended", "notes": "ok"}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "completed"
    patch = api.patch(
        reverse("api:externalaudit-detail", args=[audit.pk]), {"title": "x"}, format="json"
    )
    assert patch.status_code == 409
    cancel = api.post(reverse("api:externalaudit-cancel", args=[audit.pk]), {"notes": "x"})
    assert cancel.status_code == 409


def test_api_readiness(api_as, officer, auditor):
    audit = plan(officer, body(officer))
    response = api_as(auditor).get(reverse("api:externalaudit-readiness", args=[audit.pk]))
    assert response.status_code == 200
    data = response.json()
    assert data["audit"] == audit.pk
    assert data["last_internal_audit"]["warning"] == "No internal audit is recorded."
    assert "gap_count" in data and isinstance(data["top_gaps"], list)


def test_api_certificates(api_as, officer, auditor):
    audit = completed(officer, plan(officer, body(officer)))
    api = api_as(officer)
    url = reverse("api:certificate-list")
    data = {
        "number": "API-1",
        "body": audit.body.pk,
        "scope": "All",
        "issued_on": TODAY.isoformat(),
        "expires_on": (TODAY + timedelta(days=1095)).isoformat(),
        "issuing_audit": audit.pk,
    }
    bad = api.post(url, {**data, "expires_on": TODAY.isoformat()}, format="json")
    assert bad.status_code == 400 and "expires_on" in bad.json()["extra"]["fields"]
    created = api.post(url, data, format="json")
    assert created.status_code == 201
    cert_id = created.json()["id"]
    assert ExternalAudit.objects.filter(certificate_id=cert_id, kind="surveillance").count() == 2
    duplicate = api.post(url, data, format="json")
    assert duplicate.status_code == 400 and "number" in duplicate.json()["extra"]["fields"]
    assert (
        api_as(auditor)
        .post(reverse("api:certificate-suspend", args=[cert_id]), {"reason": "x"})
        .status_code
        == 403
    )
    suspend = api_as(officer).post(
        reverse("api:certificate-suspend", args=[cert_id]), {"reason": "NC"}
    )
    assert suspend.status_code == 200 and suspend.json()["status"] == "suspended"
    again = api_as(officer).post(
        reverse("api:certificate-suspend", args=[cert_id]), {"reason": "NC"}
    )
    assert again.status_code == 409
    withdraw = api_as(officer).post(
        reverse("api:certificate-withdraw", args=[cert_id]), {"reason": "Ended"}
    )
    assert withdraw.json()["status"] == "withdrawn"


def test_api_bodies_no_delete_and_owner_sees_nothing(api_as, officer, owner):
    cb = body(officer)
    api = api_as(officer)
    detail = reverse("api:certificationbody-detail", args=[cb.pk])
    assert api.delete(detail).status_code == 405
    assert api.patch(detail, {"country": "BE"}, format="json").json()["country"] == "BE"
    assert api_as(owner).get(detail).status_code == 404
    listing = api_as(owner).get(reverse("api:certificationbody-list")).json()
    rows = listing["results"] if isinstance(listing, dict) else listing
    assert rows == []
    assert CertificationBody.objects.get().country == "BE"
