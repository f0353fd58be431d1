"""Role-matrix rows for model registry links (inventory.registry): the list page, a
component's link form, sync and unlink, and /api/v1/model-registry-links/. Governance
officers and the system's owner manage links; auditors read them; approvers, other owners
and people without a role do not see them (404).

The links read a "registry" on the discard port, where nothing listens: linking records that
the registry could not be read (it is not bad input), and a sync records the error; no
network leaves the machine."""

from inventory.models import Component, ModelRegistryLink
from inventory.registry import services
from suppliers import services as supplier_services

from .framework import API_CREATE_UNDER_SYSTEM, API_LOGGED_IN, API_SYSTEM_CHANGE, Case, expect
from .world import World

# fmt: off
#                                anonymous nobody owner other_owner officer approver auditor
LOGGED_IN               = expect("login    ok     ok    ok          ok      ok       ok")
COMPONENT_CHANGE        = expect("login    404    ok    404         ok      403      403")
LINK_MANAGE             = expect("login    404    ok    404         ok      404      403")
API_LINK_READ           = expect("401      404    ok    404         ok      404      ok")
# fmt: on

REGISTRY = "http://127.0.0.1:9"


def supplier(w: World):
    return w.once(
        "registry_supplier",
        lambda: supplier_services.supplier_create(
            actor=w.officer, data={"name": "Matrix ML team", "supplier_type": "model_provider"}
        ),
    )


def component(w: World, name: str) -> Component:
    return w.once(
        f"registry_component_{name}",
        lambda: w.add_component(w.owner, {"name": name, "supplier": supplier(w)}),
    )


def link(w: World) -> ModelRegistryLink:
    return w.once(
        "registry_link",
        lambda: services.link_create(
            actor=w.officer, component=component(w, "Matrix scorer"), tracking_uri=REGISTRY,
            model_name="matrix-scorer",
        ),
    )  # fmt: skip


def link_pk(w: World) -> dict:
    return {"pk": link(w).pk}


def free_component_kwargs(w: World) -> dict:
    return {"pk": w.system.pk, "child": component(w, "Matrix ranker").pk}


def linked_component_kwargs(w: World) -> dict:
    return {"pk": w.system.pk, "child": link(w).component_id}


def relink_form(w: World) -> dict:
    return {"tracking_uri": REGISTRY, "model_name": "matrix-scorer-v2", "follow": "latest",
            "follow_value": ""}  # fmt: skip


def followed_model(w: World) -> str:
    return ModelRegistryLink.objects.get(pk=link(w).pk).model_name


def count(w: World) -> int:
    return ModelRegistryLink.objects.count()


def synced(w: World):
    return ModelRegistryLink.objects.get(pk=link(w).pk).last_synced_at


def follow(w: World) -> str:
    return ModelRegistryLink.objects.get(pk=link(w).pk).follow_value


def linked(w: World) -> None:
    link(w)


CASES = [
    Case("inventory:registry_link_list", "GET", LOGGED_IN, setup=linked),
    Case("inventory:registry_link_edit", "GET", COMPONENT_CHANGE, kwargs=free_component_kwargs),
    # The POST re-links a linked component (an edit: tests/matrix/test_no_lost_updates.py
    # checks its version); linking a new one is in tests/inventory/test_model_registry_pages.py.
    Case("inventory:registry_link_edit", "POST", COMPONENT_CHANGE, kwargs=linked_component_kwargs,
         data=relink_form, effect=followed_model),
    Case("inventory:registry_link_sync", "POST", LINK_MANAGE, kwargs=link_pk,
         data=lambda w: {}, effect=synced),
    Case("inventory:registry_link_delete", "GET", LINK_MANAGE, kwargs=link_pk),
    Case("inventory:registry_link_delete", "POST", LINK_MANAGE, kwargs=link_pk,
         data=lambda w: {}, effect=count),
    # --- API ---------------------------------------------------------------------------------
    Case("api:modelregistrylink-list", "GET", API_LOGGED_IN, setup=linked),
    Case("api:modelregistrylink-list", "POST", API_CREATE_UNDER_SYSTEM,
         data=lambda w: {"component": component(w, "Matrix ranker").pk, "tracking_uri": REGISTRY,
                         "model_name": "matrix-ranker"},
         effect=count),
    Case("api:modelregistrylink-detail", "GET", API_LINK_READ, kwargs=link_pk),
    Case("api:modelregistrylink-detail", "PATCH", API_SYSTEM_CHANGE, kwargs=link_pk,
         data=lambda w: {"follow": "alias", "follow_value": "champion"}, effect=follow),
    Case("api:modelregistrylink-detail", "DELETE", API_SYSTEM_CHANGE, kwargs=link_pk,
         effect=count),
    Case("api:modelregistrylink-sync", "POST", API_SYSTEM_CHANGE, kwargs=link_pk,
         effect=synced),
]  # fmt: skip
