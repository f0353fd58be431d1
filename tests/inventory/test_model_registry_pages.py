"""Model registry links in the browser and the API, against a real MLflow tracking server
(tests/inventory/mlflow_server.py): link a component from its page, see the link's state in
the list, "sync now", unlink; the API's link, sync and bad input; and the page and the API
list the same links to every role."""

import pytest
from django.urls import reverse

from inventory.models import ModelRegistryLink
from inventory.registry import services
from suppliers.models import VendorChangeNotice

from ..factories import make_system
from ..suppliers.helpers import connect, link_component, make_supplier
from .mlflow_server import mlflow_registry_fixture  # noqa: F401 -- the fixture

pytestmark = pytest.mark.django_db
API = "/api/v1/model-registry-links/"


@pytest.fixture(autouse=True)
def _setup(settings):
    connect()
    settings.AIMS_MODEL_REGISTRY_ALLOW_PRIVATE = True


@pytest.fixture
def component(officer, owner):
    supplier = make_supplier(officer, name="Platform ML team")
    system = make_system(owner, name="Claims triage")
    return link_component(owner, system, supplier, name="Claims classifier", identifier="")


@pytest.fixture
def model(mlflow_registry):
    name = mlflow_registry.new_model("claims")
    mlflow_registry.add_version(name)
    return name


def test_an_owner_links_syncs_and_unlinks_in_the_browser(
    client_as, owner, component, model, mlflow_registry
):
    client = client_as(owner)
    url = reverse("inventory:registry_link_edit", args=[component.system_id, component.pk])
    assert "Link to a registered model" in client.get(url).content.decode()
    form = {"tracking_uri": mlflow_registry.url, "model_name": model, "follow": "latest"}
    response = client.post(url, form, follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert f"follows {model} (newest version) from version 1" in page
    link = ModelRegistryLink.objects.get(component=component)
    assert link.created_by == owner and link.history.first().history_user == owner

    mlflow_registry.add_version(model)
    sync = reverse("inventory:registry_link_sync", args=[link.pk])
    page = client.post(sync, follow=True).content.decode()
    notice = VendorChangeNotice.objects.get(observed_identifier=f"models:/{model}/2")
    assert f"Version 2 is new: vendor change {notice.reference}" in page
    assert (
        "No change: the followed version is 2." in client.post(sync, follow=True).content.decode()
    )

    delete = reverse("inventory:registry_link_delete", args=[link.pk])
    assert client.post(delete).status_code == 302
    assert not ModelRegistryLink.objects.exists()
    assert VendorChangeNotice.objects.filter(pk=notice.pk).exists()


def test_an_unknown_model_is_a_form_error_and_nothing_is_saved(
    client_as, owner, component, mlflow_registry
):
    url = reverse("inventory:registry_link_edit", args=[component.system_id, component.pk])
    form = {"tracking_uri": mlflow_registry.url, "model_name": "no-such-model", "follow": "latest"}
    response = client_as(owner).post(url, form)
    assert response.status_code == 400
    assert "has no registered model named no-such-model" in response.content.decode()
    assert not ModelRegistryLink.objects.exists()


def test_the_list_shows_the_last_error_in_words(client_as, officer, component, model):
    down = "http://127.0.0.1:9"
    services.link_create(actor=officer, component=component, tracking_uri=down, model_name=model)
    page = client_as(officer).get(reverse("inventory:registry_link_list")).content.decode()
    assert "could not be reached" in page and model in page


def test_the_api_links_syncs_and_refuses_bad_input(
    api_as, officer, component, model, mlflow_registry
):
    api = api_as(officer)
    bad = api.post(API, {"component": component.pk, "tracking_uri": mlflow_registry.url,
                         "model_name": "no-such-model"}, format="json")  # fmt: skip
    assert bad.status_code == 400 and "model_name" in bad.json()["extra"]["fields"]
    bad = api.post(API, {"component": component.pk, "tracking_uri": mlflow_registry.url,
                         "model_name": model, "follow": "alias"}, format="json")  # fmt: skip
    assert bad.status_code == 400 and "follow_value" in bad.json()["extra"]["fields"]
    assert not ModelRegistryLink.objects.exists()

    created = api.post(API, {"component": component.pk, "tracking_uri": mlflow_registry.url,
                             "model_name": model}, format="json")  # fmt: skip
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["last_seen_version"] == "1" and body["component_reference"] == component.reference
    mlflow_registry.add_version(model)
    synced = api.post(f"{API}{body['id']}/sync/").json()
    assert synced["created"] and synced["version"] == "2" and synced["notice_reference"]
    again = api.post(f"{API}{body['id']}/sync/").json()
    assert not again["changed"] and again["link"]["last_seen_version"] == "2"
    assert VendorChangeNotice.objects.filter(observed_identifier=f"models:/{model}/2").count() == 1


def test_page_and_api_list_the_same_links_to_every_role(
    client_as, api_as, officer, owner, other_owner, approver, auditor, nobody, component
):
    services.link_create(actor=officer, component=component, tracking_uri="http://127.0.0.1:9",
                         model_name="parity-model")  # fmt: skip
    expected = {officer: 1, owner: 1, auditor: 1, other_owner: 0, approver: 0, nobody: 0}
    for user, count in expected.items():
        page = client_as(user).get(reverse("inventory:registry_link_list")).content.decode()
        api = api_as(user).get(API).json()
        assert api["count"] == count, user
        assert ("parity-model" in page) == bool(count), user
