"""The impact assessment's harms, as rows of labelled inputs: accessible (axe) and without
sideways scroll on a phone; "Add another harm" works without script."""

import json

import pytest
from playwright.sync_api import expect

from aims.roles import OWNER
from tests.factories import make_system, user_with_role

from .test_axe import SIDEWAYS, axe_violations

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_harm_rows_are_accessible_fit_a_phone_and_grow(login):
    owner = user_with_role(OWNER, username="owner_e2e")
    system = make_system(owner, name="CV screening assistant")
    page = login(owner)
    page.goto(f"/risk/systems/{system.pk}/impact/add/")
    violations = axe_violations(page)
    assert violations == [], json.dumps(violations)
    page.get_by_label("Harm (harm 1)", exact=True).fill("Unfair rejection")
    page.get_by_role("button", name="Add another harm").click()
    expect(page.get_by_label("Harm (harm 2)", exact=True)).to_be_visible()
    expect(page.get_by_label("Harm (harm 1)", exact=True)).to_have_value("Unfair rejection")
    page.set_viewport_size({"width": 390, "height": 900})
    measure = page.evaluate(SIDEWAYS)
    assert measure["scrollWidth"] <= measure["clientWidth"], measure


def test_enter_in_a_harm_saves_the_form_rather_than_adding_a_row(login):
    owner = user_with_role(OWNER, username="owner_enter")
    system = make_system(owner, name="CV screening assistant")
    page = login(owner)
    page.goto(f"/risk/systems/{system.pk}/impact/add/")
    page.get_by_label("Harm (harm 1)", exact=True).fill("Unfair rejection")
    page.get_by_label("Harm (harm 1)", exact=True).press("Enter")
    page.wait_for_load_state()
    # Saved (the incomplete form comes back with its errors), not a second empty row.
    expect(page.get_by_label("Harm (harm 2)", exact=True)).to_have_count(0)
    expect(page.locator(".alert-danger, [role=alert]").first).to_be_visible()
    expect(page.get_by_label("Harm (harm 1)", exact=True)).to_have_value("Unfair rejection")
