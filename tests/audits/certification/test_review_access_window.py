"""Review: an access to an audit planned at the end of the calendar is checked without a
500 (its last allowed day used to overflow past 9999-12-31)."""

from datetime import date

import pytest

from audits.certification.models import AuditorAccess, ExternalAudit

from .helpers import make_audit

pytestmark = pytest.mark.django_db


def test_grant_on_an_audit_ending_at_the_calendar_end(api_as, officer):
    audit = make_audit(officer, start=date(9999, 12, 29), status=ExternalAudit.Status.PLANNED)
    today = date.today().isoformat()
    made = api_as(officer).post(
        "/api/v1/auditor-accesses/",
        {"audit": audit.pk, "username": "far", "valid_from": today, "valid_until": today},
        format="json",
    )
    assert made.status_code == 201, made.content
    assert AuditorAccess.objects.filter(audit=audit).count() == 1
