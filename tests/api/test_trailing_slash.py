"""A write to an API URL without its trailing slash answers a clear JSON 404 naming the URL to
use, in DEBUG and not (CommonMiddleware's APPEND_SLASH raised a 500 with the debug page); a GET
is still redirected; an API path that does not exist is a JSON 404 too."""

import pytest
from django.test import override_settings

from inventory.models import AISystem
from tests.factories import INTAKE_DATA

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_a_write_without_the_slash_is_a_json_404_naming_the_url(api_as, owner, method, debug):
    client = api_as(owner)
    with override_settings(DEBUG=debug):
        response = getattr(client, method)("/api/v1/systems", INTAKE_DATA, format="json")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["code"] == "trailing_slash"
    assert "/api/v1/systems/" in body["message"]
    assert body["extra"] == {"url": "/api/v1/systems/"}
    assert not AISystem.objects.exists()


def test_a_write_to_a_detail_url_without_the_slash_names_its_url(api_as, owner, system):
    response = api_as(owner).patch(f"/api/v1/systems/{system.pk}", {"name": "X"}, format="json")
    assert response.status_code == 404
    assert response.json()["extra"]["url"] == f"/api/v1/systems/{system.pk}/"
    system.refresh_from_db()
    assert system.name != "X"


@pytest.mark.parametrize("debug", [False, True])
def test_a_get_without_the_slash_is_still_redirected(api_as, owner, debug):
    with override_settings(DEBUG=debug):
        response = api_as(owner).get("/api/v1/systems")
    assert response.status_code == 301
    assert response["Location"] == "/api/v1/systems/"


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize("path", ["/api/v1/nothing-here/", "/api/v1/nothing-here"])
def test_an_unknown_api_path_is_a_json_404(api_as, owner, path, debug):
    with override_settings(DEBUG=debug):
        response = api_as(owner).post(path, {}, format="json")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_writes_with_the_slash_work_as_before(api_as, owner):
    response = api_as(owner).post("/api/v1/systems/", INTAKE_DATA, format="json")
    assert response.status_code == 201, response.content


def test_pages_outside_the_api_are_untouched(client_as, owner):
    assert client_as(owner).get("/systems").status_code == 301
