"""An officer corrects the awareness time of a serious incident with a reason, in a real
browser, and the time first recorded stays visible (issue 13, part 6). The owner finds the
field locked on the edit page."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from aims.roles import OFFICER, OWNER
from aims.templatetags.aims_ui import when_text
from incidents import services
from incidents.models import Incident, moment_in_zone
from inventory.models import AISystem
from tests.factories import make_system, user_with_role

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_an_officer_corrects_awareness_with_a_reason_and_the_original_stays(login, screenshot):
    owner = user_with_role(OWNER, username="e2e_owner")
    officer = user_with_role(OFFICER, username="e2e_officer", first_name="Olga", last_name="Vos")
    system = make_system(owner, name="CV screening assistant")
    AISystem.objects.filter(pk=system.pk).update(risk_tier="high")
    recorded = (timezone.now() - timedelta(hours=6)).replace(second=0, microsecond=0)
    incident = services.incident_report(
        actor=owner,
        system=system,
        title="Older applicants ranked lower",
        description="The shortlist skews young.",
        detection_channel="employee",
        category="bias",
        severity="sev2",
        aware_at=recorded,
    )
    incident = services.incident_mark_serious(actor=officer, incident=incident, case="general")

    # The owner sees the awareness time but cannot change it.
    owner_page = login(owner)
    owner_page.goto(f"/incidents/{incident.pk}/edit/")
    expect(owner_page.get_by_label("Became aware at")).to_be_disabled()
    owner_page.goto(f"/incidents/{incident.pk}/")
    expect(owner_page.get_by_role("link", name="Correct awareness time")).to_have_count(0)

    # The officer corrects it: a reason is required.
    page = login(officer)
    page.goto(f"/incidents/{incident.pk}/")
    page.get_by_role("link", name="Correct awareness time").click()
    corrected = recorded - timedelta(days=1)
    page.get_by_label("Corrected awareness time").fill(
        timezone.localtime(corrected).strftime("%Y-%m-%dT%H:%M")
    )
    page.get_by_role("button", name="Correct awareness time").click()
    expect(page.locator(".invalid-feedback")).to_contain_text("required")
    page.get_by_label("Why it is corrected").fill("The vendor's alert reached us a day earlier")
    page.get_by_role("button", name="Correct awareness time").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text(incident.reference)
    correction = page.locator("#awareness-correction")
    expect(correction).to_contain_text(f"Originally recorded as {when_text(recorded)}")
    expect(correction).to_contain_text("corrected by Olga Vos")
    expect(correction).to_contain_text("because: The vendor's alert reached us a day earlier")
    expect(page.locator("#awareness")).to_contain_text(when_text(corrected))
    due = corrected + timedelta(hours=360)
    # The due moment in the configured zone, the zone named.
    expect(page.locator("#report-due")).to_have_text(moment_in_zone(due))
    expect(page.locator("#timeline")).to_contain_text("Awareness corrected by")
    screenshot(page, "awareness-corrected")

    stored = Incident.objects.get(pk=incident.pk)
    assert stored.aware_at == corrected and stored.aware_at_original == recorded
    assert stored.report_due_at == due
