"""No lost updates, in two real browsers: the issue's reproduction. An officer saves a change
to a system's known risks; the owner then saves the edit form they had loaded before it. The
owner's save is refused with what changed (field, old and new value, who), their input stays
in the form, and the officer's change is kept; saving again applies the owner's edit on top."""

import re

import pytest
from playwright.sync_api import expect

from aims.roles import OFFICER, OWNER
from inventory.models import AISystem
from tests.factories import INTAKE_DATA, make_system, user_with_role

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

OFFICERS_RISKS = "Drift after the Q3 retrain: scores skew against part-time applicants."


def test_the_owners_stale_edit_is_refused_and_the_officers_change_kept(login, screenshot):
    owner = user_with_role(OWNER, username="olga_owner", first_name="Olga", last_name="Owner")
    officer = user_with_role(
        OFFICER, username="otto_officer", first_name="Otto", last_name="Officer"
    )
    system = make_system(owner)
    edit = f"/systems/{system.pk}/edit/"

    owners = login(owner)
    owners.goto(edit)  # loaded before the officer's change
    expect(owners.get_by_role("heading", level=1)).to_contain_text(system.reference)

    officers = login(officer)
    officers.goto(edit)
    officers.locator("#id_known_risks").fill(OFFICERS_RISKS)
    officers.get_by_role("button", name="Save", exact=True).click()
    expect(officers.get_by_text(f"{system.reference} saved.")).to_be_visible()

    owners.locator("#id_name").fill("CV screening assistant v2")
    owners.get_by_role("button", name="Save", exact=True).click()
    summary = owners.locator(".error-summary")
    expect(summary).to_contain_text("changed by someone else")
    expect(summary).to_contain_text("Known risks")
    expect(summary).to_contain_text(OFFICERS_RISKS)
    expect(summary).to_contain_text("Otto Officer")
    # The owner's input is still in the form, nothing lost; the officer's change stands.
    expect(owners.locator("#id_name")).to_have_value("CV screening assistant v2")
    expect(owners.locator("#id_known_risks")).to_have_value(INTAKE_DATA["known_risks"])
    screenshot(owners, "no-lost-updates-refused")
    stored = AISystem.objects.get(pk=system.pk)
    assert stored.known_risks == OFFICERS_RISKS and stored.name == INTAKE_DATA["name"]

    # Having seen the change, the owner keeps the officer's risks and saves again.
    owners.locator("#id_known_risks").fill(OFFICERS_RISKS)
    owners.get_by_role("button", name="Save", exact=True).click()
    expect(owners.get_by_text(re.compile(rf"{system.reference} saved"))).to_be_visible()
    stored = AISystem.objects.get(pk=system.pk)
    assert stored.name == "CV screening assistant v2" and stored.known_risks == OFFICERS_RISKS
