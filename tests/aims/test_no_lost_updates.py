"""No lost updates (aims.concurrency): an edit carries the version of the record it was loaded
from; saving over a record changed since is refused with what changed, the first change kept and
the second editor's input kept on the form. The same for forms and the API (ETag / If-Match)."""

import re

import pytest
from django.urls import reverse

from aims.concurrency import VERSION_FIELD, current_version
from tests.factories import INTAKE_DATA

EDIT_DATA = {**INTAKE_DATA, "user_facing": "", "used_in_eu": "on", "review_cadence_months": 12}


def loaded_form(client, url: str) -> dict:
    """The edit form as the browser loaded it: its hidden version."""
    html = client.get(url).content.decode()
    match = re.search(rf'name="{VERSION_FIELD}" value="(\d+)"', html)
    assert match, "the edit form carries the record's version"
    return {VERSION_FIELD: match.group(1)}


def test_a_stale_system_form_is_refused_with_what_changed_and_keeps_both(
    client_as, client, officer, owner, system
):
    from django.test import Client

    url = reverse("inventory:system_edit", args=[system.pk])
    owner_client = Client()
    owner_client.force_login(owner)
    owners_form = loaded_form(owner_client, url)  # loaded before the officer's change

    officer_client = client_as(officer)
    officers_form = loaded_form(officer_client, url)
    saved = officer_client.post(
        url,
        {**EDIT_DATA, **officers_form, "owner": owner.pk, "known_risks": "Drift in Q3."},
    )
    assert saved.status_code == 302

    refused = owner_client.post(url, {**EDIT_DATA, **owners_form, "name": "Owner's rename"})
    assert refused.status_code == 409
    html = refused.content.decode()
    assert "changed by someone else" in html
    assert "Risks you already know of" in html or "Known risks" in html
    assert "Drift in Q3." in html  # the new value, in words
    assert "Owner&#x27;s rename" in html or "Owner's rename" in html  # input kept
    system.refresh_from_db()
    assert system.known_risks == "Drift in Q3." and system.name == INTAKE_DATA["name"]

    # The re-rendered form carries the current version: saving again applies it knowingly.
    again = re.search(rf'name="{VERSION_FIELD}" value="(\d+)"', html).group(1)
    assert int(again) == current_version(system)
    resaved = owner_client.post(
        url,
        {
            **EDIT_DATA,
            VERSION_FIELD: again,
            "name": "Owner's rename",
            "known_risks": "Drift in Q3.",
        },
    )
    assert resaved.status_code == 302
    system.refresh_from_db()
    assert system.name == "Owner's rename" and system.known_risks == "Drift in Q3."


@pytest.mark.parametrize("garbage", ["abc", "-1", "1.5", "9" * 30, "99999999"])
def test_a_garbage_form_version_is_a_field_error_not_a_500(client_as, owner, system, garbage):
    url = reverse("inventory:system_edit", args=[system.pk])
    response = client_as(owner).post(url, {**EDIT_DATA, VERSION_FIELD: garbage, "name": "X"})
    assert response.status_code == 400
    assert "version" in response.content.decode().lower()
    system.refresh_from_db()
    assert system.name == INTAKE_DATA["name"]
