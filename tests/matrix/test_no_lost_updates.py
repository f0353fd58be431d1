"""No lost updates, for every edit the role matrix knows (aims.concurrency).

Each HTML edit form (a POST case named ``..._edit``) and each API ``PATCH`` of a record, as the
first role the matrix lets make it: the page or the detail GET gives the record's version (the
hidden ``record_version`` field, the ``ETag``); a save that says it was loaded at an older
version is refused (409 on the page with what changed, 412 ``stale_version`` in the API) and
changes nothing; a version that is no version is a 400 with a field error; the save at the
current version goes through. One table, so an edit path added later is covered or listed.
"""

import re

import pytest
from django.urls import reverse

from aims.concurrency import VERSION_FIELD

from .framework import Case
from .test_role_matrix import CASES
from .world import World, history_row_count

pytestmark = pytest.mark.django_db

ACTORS = ("officer", "owner")
# Edits of records that keep no history of their own, so have no version to check.
UNVERSIONED = {
    "api:schedule-detail PATCH",  # a beat schedule (django-celery-beat), not an AIMS record
}


def edit_cases() -> list[Case]:
    found = []
    for case in CASES:
        html_edit = not case.api and case.method == "POST" and case.name.endswith("_edit")
        api_edit = case.api and case.method == "PATCH"
        if (html_edit or api_edit) and any(case.expected[r] == "ok" for r in ACTORS):
            found.append(case)
    return found


def params():
    for case in edit_cases():
        marks = []
        if case.key in UNVERSIONED:
            marks = [pytest.mark.skip(reason="no history, no version")]
        yield pytest.param(case, id=case.key.replace(" ", "."), marks=marks)


def start(case: Case):
    role = next(r for r in ACTORS if case.expected[r] == "ok")
    world = World(role, case.stage).prepare()
    url = reverse(case.name, kwargs=case.kwargs(world))
    data = case.data(world) if case.data else {}
    if case.setup:
        case.setup(world)
    return world, url, data


def load(case: Case, client, url: str) -> int:
    """The version the page or the detail GET gives."""
    if case.api:
        got = client.get(url)
        assert got.status_code == 200, (case.key, got.status_code)
        assert re.fullmatch(r'"\d+"', got.get("ETag") or ""), (case.key, got.get("ETag"))
        return int(got["ETag"].strip('"'))
    page = client.get(url).content.decode()
    found = re.search(rf'name="{VERSION_FIELD}" value="(\d+)"', page)
    assert found, f"{case.key}: the edit form carries no version"
    return int(found.group(1))


def save(case: Case, client, url: str, data: dict, version):
    if case.api:
        return client.patch(url, data, format="json", HTTP_IF_MATCH=f'"{version}"')
    return client.post(url, {**data, VERSION_FIELD: version})


@pytest.mark.parametrize("case", list(params()))
def test_the_second_of_two_edits_loaded_together_is_refused(case):
    """Two people load the same record; the first saves; the second's save, loaded before
    it, is refused with what changed and changes nothing."""
    world, url, data = start(case)
    client = world.api_client() if case.api else world.html_client()
    version = load(case, client, url)  # both editors load it now
    before = case.effect(world) if case.effect else None

    first = save(case, client, url, data, version)
    assert first.status_code in (200, 302), (case.key, first.status_code, first.content[:300])
    after_first = case.effect(world) if case.effect else None
    if case.effect:
        assert after_first != before, "the first edit went through"
    history_before = history_row_count()

    second = save(case, client, url, data, version)
    if case.api:
        assert second.status_code == 412, (case.key, second.status_code, second.content[:300])
        body = second.json()
        assert body["code"] == "stale_version" and body["extra"]["your_version"] == version
        assert body["extra"]["changes"], "the refusal says what changed since"
    else:
        assert second.status_code == 409, (case.key, second.status_code, second.content[:300])
        assert "changed by someone else" in second.content.decode()
    if case.effect:
        assert case.effect(world) == after_first, "the stale edit changed the record"
    assert history_row_count() == history_before, "a refused edit wrote history"

    garbage = save(case, client, url, data, "v1; drop")
    assert garbage.status_code == 400, (case.key, garbage.status_code)
    if case.api:
        assert "If-Match" in garbage.json()["extra"]["fields"]
    assert history_row_count() == history_before, "a refused edit wrote history"
