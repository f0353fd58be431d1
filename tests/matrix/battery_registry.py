"""History battery entry for model registry links: linked by a governance officer (who also
records the supplier and the component, so every history row of the write is theirs),
through the service and the API. The registry named is on the discard port (nothing
listens): linking records that it could not be read yet, which is no refusal."""

from django.db.models import Model

from inventory.models import ModelRegistryLink
from inventory.registry import services
from suppliers import services as supplier_services

from .battery_framework import Entry, api, by_id
from .world import World

REGISTRY = "http://127.0.0.1:9"


def component(w: World, name: str):
    def make():
        supplier = w.once(
            "battery_registry_supplier",
            lambda: supplier_services.supplier_create(
                actor=w.officer,
                data={"name": "Battery ML team", "supplier_type": "model_provider"},
            ),
        )
        return w.add_component(w.officer, {"name": name, "supplier": supplier})

    return w.once(f"battery_registry_component_{name}", make)


BATTERY: dict[type[Model], Entry] = {
    ModelRegistryLink: Entry(
        actor="officer",
        stage="intake_submitted",
        create=lambda w: services.link_create(
            actor=w.officer,
            component=component(w, "Battery scorer"),
            tracking_uri=REGISTRY,
            model_name="battery-scorer",
        ),  # fmt: skip
        api_create=lambda w: (
            "post",
            api("modelregistrylink-list"),
            {
                "component": component(w, "Battery API").pk,
                "tracking_uri": REGISTRY,
                "model_name": "battery",
            },
            "json",
        ),
        api_bad=lambda w: (
            "post",
            api("modelregistrylink-list"),
            {"component": 999999, "tracking_uri": "ftp://registry", "model_name": ""},
            "json",
        ),
        api_result=by_id(ModelRegistryLink),
    ),
}
