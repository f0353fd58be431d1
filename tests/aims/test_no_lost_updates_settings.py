"""No lost updates on the settings and first-run pages that edit one record without a model
form of their own (aims.concurrency): the risk methodology, the obligation dates, the
organisation profile and the scope steps of the first run. Two officers load the page; the
first saves; the second's save, loaded before it, is refused (409) with what changed, the
first change kept and the second's input still on the form; saving again from the re-rendered
form applies it knowingly."""

import re

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from aims.concurrency import VERSION_FIELD
from aims.ms import services as ms_services
from risk import services as risk_services
from risk.forms import MethodologyForm

from .test_no_lost_updates import loaded_form

pytestmark = pytest.mark.django_db

PROFILE = {
    "legal_name": "Northwind Analytics Ltd",
    "sector": "finance",
    "size_band": "50-249",
    "countries": "United Kingdom",
    "contact_name": "Jo Bloggs",
    "contact_email": "jo@example.org",
}


def methodology_data(name: str) -> dict:
    initial = MethodologyForm.initial_for(risk_services.methodology_current())
    return {**initial, "name": name, "reason": f"Renamed to {name}"}


def profile_setup(officer) -> None:
    with transaction.atomic():
        ms_services.organisation_profile_save(actor=officer, data=PROFILE)


def scope_setup(officer) -> None:
    profile_setup(officer)
    with transaction.atomic():
        ms_services.scope_save(actor=officer, data={"statement": "All our AI"})


# (page, setup, the first officer's input, the second's, what the record says)
PAGES = {
    "methodology": (
        "risk:methodology",
        None,
        lambda: methodology_data("First officer's scales"),
        lambda: methodology_data("Second officer's scales"),
        lambda: risk_services.methodology_current().name,
    ),
    "obligation_dates": (
        "risk:obligation_dates",
        None,
        lambda: {"timeline": "omnibus", "override_general": ""},
        lambda: {"timeline": "act", "override_general": "2027-01-01"},
        lambda: risk_services.timeline_current().timeline,
    ),
    "onboarding_profile": (
        "onboarding:profile",
        profile_setup,
        lambda: {**PROFILE, "legal_name": "Northwind Group plc"},
        lambda: {**PROFILE, "contact_name": "Sam Second"},
        lambda: ms_services.organisation_profile_current().legal_name,
    ),
    "onboarding_scope": (
        "onboarding:scope",
        scope_setup,
        lambda: {"statement": "Only the lending models", "frameworks": ["iso42001"]},
        lambda: {"statement": "Every model we buy", "frameworks": ["iso42001"]},
        lambda: ms_services.scope_current().statement,
    ),
}


@pytest.mark.parametrize("page", list(PAGES))
def test_a_stale_settings_save_is_refused_with_what_changed(page, officer, officer2):
    url_name, setup, first_input, second_input, said = PAGES[page]
    if setup:
        setup(officer)
    url = reverse(url_name)
    first, second = Client(), Client()
    first.force_login(officer)
    second.force_login(officer2)
    second_form = loaded_form(second, url)  # both load the page before either saves
    first_form = loaded_form(first, url)

    saved = first.post(url, {**first_input(), **first_form})
    assert saved.status_code == 302, saved.content.decode()[:3000]
    kept = said()

    refused = second.post(url, {**second_input(), **second_form})
    assert refused.status_code == 409, refused.content.decode()[:3000]
    html = refused.content.decode()
    assert "changed by someone else" in html
    assert said() == kept, "the stale save changed the record"
    # The re-rendered form carries the current version: saving again is a knowing choice.
    again = re.search(rf'name="{VERSION_FIELD}" value="(\d+)"', html).group(1)
    assert int(again) > int(second_form[VERSION_FIELD])
    resaved = second.post(url, {**second_input(), VERSION_FIELD: again})
    assert resaved.status_code == 302, resaved.content.decode()[:3000]
    assert said() != kept


@pytest.mark.parametrize("page", list(PAGES))
def test_a_garbage_version_on_a_settings_page_is_a_form_error(page, officer):
    url_name, setup, first_input, _second, said = PAGES[page]
    if setup:
        setup(officer)
    client = Client()
    client.force_login(officer)
    before = said()
    response = client.post(reverse(url_name), {**first_input(), VERSION_FIELD: "v1; drop"})
    assert response.status_code == 400
    assert "does not say which version" in response.content.decode()
    assert said() == before
