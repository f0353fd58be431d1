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


# --- The API: ETag, If-Match, record_version --------------------------------------------------


def detail(system) -> str:
    return reverse("api:system-detail", args=[system.pk])


def test_the_detail_get_answers_the_version_as_etag(api_as, owner, system):
    response = api_as(owner).get(detail(system))
    assert response.status_code == 200
    assert response["ETag"] == f'"{current_version(system)}"'


def test_a_stale_patch_put_or_body_version_is_412_with_what_changed(api_as, officer, system):
    client = api_as(officer)
    tag = client.get(detail(system))["ETag"]
    moved = client.patch(
        detail(system), {"known_risks": "Drift."}, format="json", HTTP_IF_MATCH=tag
    )
    assert moved.status_code == 200 and moved["ETag"] != tag  # the write answers the new one

    stale_patch = client.patch(detail(system), {"name": "Lost?"}, format="json", HTTP_IF_MATCH=tag)
    stale_put = client.put(detail(system), {"name": "Lost?"}, format="json", HTTP_IF_MATCH=tag)
    in_body = client.patch(
        detail(system), {"name": "Lost?", VERSION_FIELD: int(tag.strip('"'))}, format="json"
    )
    for response in (stale_patch, stale_put, in_body):
        assert response.status_code == 412, response.content
        body = response.json()
        assert body["code"] == "stale_version"
        assert body["extra"]["changed_fields"] == ["known_risks"]
        change = body["extra"]["changes"][0]
        assert change["by"] == officer.username
        assert change["fields"][0]["new"] == "Drift."
    system.refresh_from_db()
    assert system.name == INTAKE_DATA["name"] and system.known_risks == "Drift."


def test_a_current_body_version_saves_and_is_not_a_field_of_the_record(api_as, owner, system):
    version = current_version(system)
    response = api_as(owner).patch(
        detail(system), {"name": "Renamed", VERSION_FIELD: version}, format="json"
    )
    assert response.status_code == 200, response.content
    system.refresh_from_db()
    assert system.name == "Renamed"


def test_without_a_version_or_with_a_star_a_write_is_not_checked(api_as, owner, system):
    """Backwards compatible (README, REST API): clients that send no version still write."""
    client = api_as(owner)
    assert client.patch(detail(system), {"name": "One"}, format="json").status_code == 200
    star = client.patch(detail(system), {"name": "Two"}, format="json", HTTP_IF_MATCH="*")
    assert star.status_code == 200
    system.refresh_from_db()
    assert system.name == "Two"


@pytest.mark.parametrize(
    "header,body",
    [
        ('"abc"', None),
        ("12; DROP TABLE", None),
        ('"-3"', None),
        ('"' + "9" * 40 + '"', None),
        (None, "abc"),
        (None, -1),
        (None, 1.5),
        (None, [1]),
        (None, {"v": 1}),
    ],
)
def test_a_garbage_version_is_a_400_field_error(api_as, owner, system, header, body):
    data = {"name": "X"} if body is None else {"name": "X", VERSION_FIELD: body}
    extra = {"HTTP_IF_MATCH": header} if header is not None else {}
    response = api_as(owner).patch(detail(system), data, format="json", **extra)
    assert response.status_code == 400, response.content
    field = "If-Match" if header is not None else VERSION_FIELD
    assert field in response.json()["extra"]["fields"]
    system.refresh_from_db()
    assert system.name == INTAKE_DATA["name"]


def test_a_version_newer_than_the_record_is_made_up_a_400(api_as, owner, system):
    made_up = f'"{current_version(system) + 1000}"'
    response = api_as(owner).patch(
        detail(system), {"name": "X"}, format="json", HTTP_IF_MATCH=made_up
    )
    assert response.status_code == 400 and "If-Match" in response.json()["extra"]["fields"]


def test_if_match_may_list_several_tags_and_one_current_is_enough(api_as, owner, system):
    tags = f'"1", W/"{current_version(system)}"'
    response = api_as(owner).patch(detail(system), {"name": "Y"}, format="json", HTTP_IF_MATCH=tags)
    assert response.status_code == 200, response.content


def test_a_stale_delete_is_412_and_removes_nothing(api_as, officer):
    """A record changed since it was read is not removed on the strength of the old read."""
    from aims.models import InterestedParty

    client = api_as(officer)
    made = client.post(
        "/api/v1/interested-parties/",
        {"name": "Regulator", "category": "regulators", "requirements": "Reports"},
        format="json",
    )
    url = f"/api/v1/interested-parties/{made.json()['id']}/"
    tag = client.get(url)["ETag"]
    moved = client.patch(url, {"requirements": "Quarterly reports"}, format="json")
    assert moved.status_code == 200

    stale = client.delete(url, HTTP_IF_MATCH=tag)
    assert stale.status_code == 412 and stale.json()["code"] == "stale_version"
    assert stale.json()["extra"]["changed_fields"] == ["requirements"]
    assert InterestedParty.objects.filter(pk=made.json()["id"]).exists()
    assert client.delete(url, HTTP_IF_MATCH="not a tag").status_code == 400
    assert client.delete(url, HTTP_IF_MATCH=moved["ETag"]).status_code == 204


def test_a_singleton_setting_answers_etag_and_refuses_a_stale_put(api_as, officer):
    """The scope has no id in its address; it is versioned like any record: the GET and a
    write answer its ETag, a write loaded before a change is refused with what changed."""
    client = api_as(officer)
    created = client.put("/api/v1/scope/", {"statement": "All our AI"}, format="json")
    assert created.status_code == 200 and re.fullmatch(r'"\d+"', created["ETag"])
    tag = client.get("/api/v1/scope/")["ETag"]
    assert tag == created["ETag"]
    moved = client.patch(
        "/api/v1/scope/", {"statement": "Lending models"}, format="json", HTTP_IF_MATCH=tag
    )
    assert moved.status_code == 200 and moved["ETag"] != tag

    stale = client.put("/api/v1/scope/", {"statement": "Lost?"}, format="json", HTTP_IF_MATCH=tag)
    assert stale.status_code == 412 and stale.json()["code"] == "stale_version"
    assert stale.json()["extra"]["changes"][0]["fields"][0]["new"] == "Lending models"
    assert client.get("/api/v1/scope/").json()["statement"] == "Lending models"
