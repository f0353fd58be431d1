"""A certification body's auditor signs in with their time-boxed account, lands on their
audit's page, opens the sampled AI system and cannot open another one."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from playwright.sync_api import expect

from aims.roles import OFFICER, OWNER
from audits.certification import access
from audits.certification.models import CertificationBody, ExternalAudit
from tests.factories import PASSWORD, make_system, user_with_role

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_certification_auditor_sees_the_sampled_system_only(new_page, live_server):
    owner = user_with_role(OWNER, username="cert_owner")
    officer = user_with_role(OFFICER, username="cert_officer")
    sampled = make_system(owner, name="Support chatbot")
    other = make_system(owner, name="Payroll forecaster")
    today = timezone.localdate()
    # One transaction, as a service would: the audit trail seals history rows on commit.
    with transaction.atomic():
        body = CertificationBody.objects.create(name="Assurance Body Ltd")
        audit = ExternalAudit.objects.create(
            body=body, kind=ExternalAudit.Kind.STAGE_2, start_date=today,
            end_date=today + timedelta(days=4), scope="Customer support", created_by=officer,
        )  # fmt: skip
        audit.sampled_systems.set([sampled])
        user = access.grant_access(
            audit=audit, actor=officer, username="body_auditor", valid_from=today,
            valid_until=audit.end_date,
        ).access.user  # fmt: skip
        user.set_password(PASSWORD)
        user.save()

    page = new_page()
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("body_auditor")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1, name="My audit")).to_be_visible()
    expect(page.get_by_role("heading", level=2)).to_contain_text(audit.reference)

    page.get_by_role("link", name="Support chatbot").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Support chatbot")

    page.goto("/systems/")
    expect(page.get_by_role("link", name="Support chatbot").first).to_be_visible()
    expect(page.get_by_text("Payroll forecaster")).to_have_count(0)
    response = page.goto(f"/systems/{other.pk}/")
    assert response.status == 404
