"""Model registry sync against a real MLflow tracking server (tests/inventory/mlflow_server.py):
a component linked to a registered model; the first read is the baseline (no notice); a new
version, or an alias or stage that moved, makes exactly one vendor change notice with an
impact on the dependent system, however often and however concurrently the sync runs; a
server that is down leaves its error on the link and nothing else; bad input is refused."""

import threading

import pytest
from django.db import connection

from aims.errors import BusinessRuleError, RuleForbidden
from inventory.models import ModelRegistryLink
from inventory.registry import services
from inventory.registry.tasks import sync_model_registry_links
from suppliers.models import VendorChangeImpact, VendorChangeNotice

from ..factories import make_system
from ..suppliers.helpers import connect, deployed_system, link_component, make_supplier
from .mlflow_server import free_port, mlflow_registry_fixture  # noqa: F401 -- the fixture

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _setup(settings):
    connect()
    settings.AIMS_MODEL_REGISTRY_ALLOW_PRIVATE = True
    settings.AIMS_MODEL_REGISTRY_TIMEOUT = 5


@pytest.fixture
def component(officer, approver, owner):
    supplier = make_supplier(officer, name="In-house ML team")
    system = deployed_system(owner, officer, approver)
    return link_component(owner, system, supplier, name="Fraud scorer", identifier="")


def link(actor, component, registry, name, follow="latest", value=""):
    return services.link_create(
        actor=actor, component=component, tracking_uri=registry.url, model_name=name,
        follow=follow, follow_value=value,
    )  # fmt: skip


def sync(link_obj, actor=None):
    return services.link_sync(link_id=link_obj.pk, actor=actor)


def notices():
    return VendorChangeNotice.objects.filter(source="detected")


def test_a_new_version_makes_one_notice_after_a_silent_baseline(mlflow_registry, owner, component):
    name = mlflow_registry.new_model("fraud")
    mlflow_registry.add_version(name)
    followed = link(owner, component, mlflow_registry, name)
    assert followed.last_seen_version == "1" and followed.last_error == ""
    assert followed.history.count() == 1
    # The state at linking is the baseline: syncing it again reports nothing.
    result = sync(followed)
    assert (result.version, result.changed, result.error) == ("1", False, "")
    assert notices().count() == 0

    mlflow_registry.add_version(name)
    result = sync(followed)
    assert result.created and result.version == "2"
    notice = notices().get()
    assert notice.previous_identifier == f"models:/{name}/1"
    assert notice.observed_identifier == f"models:/{name}/2"
    assert notice.supplier_id == component.supplier_id
    impact = VendorChangeImpact.objects.get(notice=notice)
    assert impact.system_id == component.system_id and impact.under_review
    followed.refresh_from_db()
    assert followed.last_seen_version == "2"
    assert followed.history.first().history_change_reason.endswith("from 1 to 2")

    # Run again, and through the scheduled task: nothing new.
    assert not sync(followed).changed
    assert sync_model_registry_links.delay().get()["changes"] == 0
    assert notices().count() == 1 and VendorChangeImpact.objects.count() == 1


def test_an_alias_moved_makes_one_notice(mlflow_registry, officer, component):
    name = mlflow_registry.new_model("ranker")
    for _ in range(3):
        mlflow_registry.add_version(name)
    mlflow_registry.set_alias(name, "champion", "1")
    followed = link(officer, component, mlflow_registry, name, "alias", "champion")
    assert followed.last_seen_version == "1"
    mlflow_registry.add_version(name)  # a new version the alias does not name: no change
    assert not sync(followed).changed and notices().count() == 0

    mlflow_registry.set_alias(name, "champion", "3")
    assert sync(followed).created
    assert sync(followed).changed is False
    notice = notices().get()
    assert notice.observed_identifier == f"models:/{name}/3"
    assert notice.impacts.count() == 1


def test_a_stage_moved_makes_one_notice(mlflow_registry, officer, component):
    name = mlflow_registry.new_model("stage")
    mlflow_registry.add_version(name)
    mlflow_registry.add_version(name)
    mlflow_registry.set_stage(name, "1", "Production")
    followed = link(officer, component, mlflow_registry, name, "stage", "Production")
    assert followed.last_seen_version == "1"
    mlflow_registry.set_stage(name, "2", "Production")
    assert sync(followed).created
    assert not sync(followed).changed
    assert notices().count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_syncs_at_once_make_one_notice(mlflow_registry, officer, approver, owner):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; concurrency is checked on PostgreSQL")
    connect()
    supplier = make_supplier(officer, name="Concurrent ML team")
    system = make_system(owner, name="Concurrent sync")
    component = link_component(owner, system, supplier, name="Scorer", identifier="")
    name = mlflow_registry.new_model("race")
    mlflow_registry.add_version(name)
    followed = link(officer, component, mlflow_registry, name)
    mlflow_registry.add_version(name)
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(sync(followed))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sum(r.created for r in results) == 1
    assert notices().filter(observed_identifier=f"models:/{name}/2").count() == 1
    assert VendorChangeImpact.objects.filter(system_id=system.pk).count() == 1
    assert ModelRegistryLink.objects.get(pk=followed.pk).last_seen_version == "2"


def test_a_server_that_is_down_leaves_its_error_and_nothing_else(
    mlflow_registry, officer, component
):
    name = mlflow_registry.new_model("down")
    mlflow_registry.add_version(name)
    followed = link(officer, component, mlflow_registry, name)
    history = followed.history.count()
    good_url = followed.tracking_uri
    # Point the link at a port nobody listens on, as if the server were down.
    ModelRegistryLink.objects.filter(pk=followed.pk).update(
        tracking_uri=f"http://127.0.0.1:{free_port()}"
    )
    mlflow_registry.add_version(name)
    result = sync(followed)
    assert not result.changed and "could not be reached" in result.error
    followed.refresh_from_db()
    assert "could not be reached" in followed.last_error
    assert followed.last_seen_version == "1" and followed.history.count() == history
    assert notices().count() == 0
    # Back up: the next sync reports the change and clears the error.
    ModelRegistryLink.objects.filter(pk=followed.pk).update(tracking_uri=good_url)
    assert sync(followed).created
    followed.refresh_from_db()
    assert followed.last_error == "" and followed.last_seen_version == "2"


def test_linking_while_the_server_is_down_records_the_baseline_later(
    mlflow_registry, officer, component
):
    name = mlflow_registry.new_model("later")
    mlflow_registry.add_version(name)
    down = f"http://127.0.0.1:{free_port()}"
    followed = link(officer, component, type("Down", (), {"url": down}), name)
    assert followed.last_seen_version == "" and "could not be reached" in followed.last_error
    ModelRegistryLink.objects.filter(pk=followed.pk).update(tracking_uri=mlflow_registry.url)
    mlflow_registry.add_version(name)
    result = sync(followed)
    assert not result.changed and result.version == "2"
    assert notices().count() == 0


def test_an_unknown_model_or_alias_is_a_field_error(mlflow_registry, officer, component):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        link(officer, component, mlflow_registry, "no-such-model")
    assert "no registered model named no-such-model" in str(refused.value.message_dict)
    name = mlflow_registry.new_model("alias")
    mlflow_registry.add_version(name)
    with pytest.raises(ValidationError) as refused:
        link(officer, component, mlflow_registry, name, "alias", "champion")
    assert "has no alias @champion" in str(refused.value.message_dict["follow_value"])
    with pytest.raises(ValidationError) as refused:
        link(officer, component, mlflow_registry, name, "stage", "Live")
    assert "follow_value" in refused.value.message_dict
    assert ModelRegistryLink.objects.count() == 0


def test_private_addresses_are_refused_unless_allowed(settings, officer, component):
    from django.core.exceptions import ValidationError

    settings.AIMS_MODEL_REGISTRY_ALLOW_PRIVATE = False
    for url in ("http://127.0.0.1:5000", "http://10.0.0.8", "ftp://mlflow.example.org"):
        with pytest.raises(ValidationError) as refused:
            services.link_create(actor=officer, component=component, tracking_uri=url,
                                 model_name="m")  # fmt: skip
        assert "tracking_uri" in refused.value.message_dict
    assert ModelRegistryLink.objects.count() == 0


def test_who_may_link(mlflow_registry, approver, auditor, other_owner, owner, component):
    name = mlflow_registry.new_model("who")
    mlflow_registry.add_version(name)
    for outsider in (approver, auditor, other_owner):
        with pytest.raises(RuleForbidden):
            link(outsider, component, mlflow_registry, name)
    followed = link(owner, component, mlflow_registry, name)
    with pytest.raises(RuleForbidden):
        sync(followed, actor=auditor)
    assert sync(followed, actor=owner).error == ""


def test_a_component_without_supplier_cannot_be_linked(mlflow_registry, officer, owner):
    from inventory import services as inventory_services
    from inventory.models import Component

    system = make_system(owner, name="No supplier")
    component = inventory_services.child_save(
        actor=owner, record=Component(system=system), data={"name": "Bare model"}
    )
    with pytest.raises(BusinessRuleError) as refused:
        link(officer, component, mlflow_registry, "anything")
    assert refused.value.code == "no_supplier"
