"""Dates far outside any certification cycle are typing mistakes: refused with a field error,
never a 500 from the cycle's arithmetic, and nothing is recorded."""

from datetime import date

from audits.certification.models import Certificate, ExternalAudit

from .audit_helpers import body, completed, plan


def test_an_audit_in_the_year_9999_is_refused_on_its_dates(officer, api_as):
    cb = body(officer)
    response = api_as(officer).post(
        "/api/v1/external-audits/",
        {
            "body": cb.pk,
            "kind": "stage1",
            "start_date": "9999-12-30",
            "end_date": "9999-12-31",
            "scope": "All",
        },
        format="json",
    )
    assert response.status_code == 400
    fields = response.json()["extra"]["fields"]
    assert "between 2000 and 2099" in str(fields["start_date"])
    assert "end_date" in fields
    assert not ExternalAudit.objects.exists()


def test_a_certificate_expiring_in_9999_is_refused_and_plans_no_cycle(officer, api_as):
    audit = completed(officer, plan(officer, body(officer)))
    planned = ExternalAudit.objects.count()
    response = api_as(officer).post(
        "/api/v1/certificates/",
        {
            "number": "FAR-1",
            "body": audit.body_id,
            "scope": "All",
            "issued_on": date.today().isoformat(),
            "expires_on": "9999-12-31",
            "issuing_audit": audit.pk,
        },
        format="json",
    )
    assert response.status_code == 400
    assert "expires_on" in response.json()["extra"]["fields"]
    assert not Certificate.objects.exists()
    assert ExternalAudit.objects.count() == planned
