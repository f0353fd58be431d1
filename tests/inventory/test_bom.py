"""The AI bill of materials (inventory.bom): a system's components and datasets exported as a
CycloneDX 1.6 ML-BOM that validates, imported back through the same services as the forms,
idempotently, with bad files refused and nothing written."""

import json
import threading

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from inventory import services
from inventory.bom import cyclonedx
from inventory.bom.services import bom_import
from inventory.models import ChangeRequest, Component, Dataset
from suppliers.models import VendorChangeNotice

from ..factories import make_system
from ..matrix.world import history_row_count
from ..suppliers.helpers import connect, deployed_system, link_component, make_supplier

pytestmark = pytest.mark.django_db


def bom_url(system) -> str:
    return reverse("api:system-bom", args=[system.pk])


def add_records(owner, system, supplier=None):
    """A model with a supplier, a library and two datasets, added through the services
    before the intake gate."""
    model = services.child_save(
        actor=owner,
        record=Component(system=system),
        data={
            "kind": "api",
            "name": "Acme LLM",
            "version": "2026-01",
            "provider": "Acme Models",
            "model_identifier": "acme-llm-2026-01",
            "supplier": supplier,
            "notes": "Answers customer questions.",
        },
    )
    services.child_save(
        actor=owner,
        record=Component(system=system),
        data={"kind": "library", "name": "transformers", "version": "4.44.0"},
    )
    services.child_save(
        actor=owner,
        record=Dataset(system=system),
        data={
            "name": "Support tickets 2025",
            "use": "fine_tuning",
            "source": "Exported from the helpdesk",
            "personal_data": "personal",
            "licence": "Internal use only",
            "quality_checks": "De-duplicated; names masked.",
        },
    )
    services.child_save(
        actor=owner,
        record=Dataset(system=system),
        data={"name": "Product manual", "use": "retrieval", "source": "Docs site"},
    )
    return model


def content(document: dict) -> list[dict]:
    """The components of a BOM without what differs between systems and exports: bom-refs
    (each system numbers its own records), and refs to them inside model cards."""
    rows = []
    for item in document["components"]:
        item = {k: v for k, v in item.items() if k != "bom-ref"}
        card = item.get("modelCard", {})
        if "modelParameters" in card:
            card["modelParameters"]["datasets"] = len(card["modelParameters"]["datasets"])
        rows.append(item)
    return sorted(rows, key=lambda c: (c["type"], c["name"]))


def import_as(api, user, system, document, **params):
    api.force_authenticate(user)
    url = bom_url(system) + ("?dry_run=true" if params.get("dry_run") else "")
    return api.post(url, json.dumps(document), content_type="application/vnd.cyclonedx+json")


def test_export_is_a_cyclonedx_16_ml_bom_that_validates(api, owner, officer, system):
    supplier = make_supplier(officer)
    model = add_records(owner, system, supplier)
    api.force_authenticate(owner)
    response = api.get(bom_url(system))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.cyclonedx+json"
    document = json.loads(response.content)
    assert document["specVersion"] == "1.6" and document["bomFormat"] == "CycloneDX"
    assert cyclonedx.schema_errors(document) == []
    assert document["metadata"]["component"]["bom-ref"] == system.reference
    by_ref = {c["bom-ref"]: c for c in document["components"]}
    exported = by_ref[model.reference]
    assert exported["type"] == "machine-learning-model"
    assert exported["manufacturer"] == {"name": "Acme Models"}
    assert exported["supplier"] == {"name": supplier.name}
    # The model card: the fine-tuning data it learnt from, and the system's use of it.
    card = exported["modelCard"]
    dataset = Dataset.objects.get(name="Support tickets 2025")
    assert card["modelParameters"]["datasets"] == [{"ref": dataset.reference}]
    assert card["considerations"]["useCases"] == [system.purpose]
    data = by_ref[dataset.reference]
    assert data["type"] == "data"
    assert data["licenses"] == [{"license": {"name": "Internal use only"}}]
    assert data["data"][0]["sensitiveData"] == ["personal data"]
    deps = {d["ref"]: d.get("dependsOn", []) for d in document["dependencies"]}
    assert set(deps[system.reference]) == set(by_ref)


def test_round_trip_into_an_empty_system_exports_the_same_content(api, owner, officer):
    source = make_system(owner, name="Source")
    add_records(owner, source, make_supplier(officer))
    target = make_system(owner, name="Target")
    first = cyclonedx.bom_document(source)
    response = import_as(api, owner, target, first)
    assert response.status_code == 200, response.content
    assert len(response.json()["added"]) == 4
    second = cyclonedx.bom_document(target)
    assert content(second) == content(first)
    # The supplier link came back through the register, by its reference.
    assert Component.objects.get(system=target, name="Acme LLM").supplier.name == "Acme Models"


def test_importing_the_same_bom_again_writes_nothing(api, owner, officer):
    source = make_system(owner, name="Source")
    add_records(owner, source, make_supplier(officer))
    target = make_system(owner, name="Target")
    document = cyclonedx.bom_document(source)
    import_as(api, owner, target, document)
    rows = history_row_count()
    again = import_as(api, owner, target, document)
    assert again.status_code == 200
    body = again.json()
    assert body["added"] == [] and body["updated"] == [] and body["unchanged"] == 4
    assert history_row_count() == rows
    # Its own export imported back into the same system matches by bom-ref: unchanged.
    assert import_as(api, owner, target, cyclonedx.bom_document(target)).json()["unchanged"] == 4
    assert history_row_count() == rows


def test_a_changed_version_updates_the_record_in_place_before_the_intake_gate(api, owner, system):
    model = add_records(owner, system)
    document = cyclonedx.bom_document(system)
    entry = next(c for c in document["components"] if c["bom-ref"] == model.reference)
    entry["version"] = "2026-06"
    preview = import_as(api, owner, system, document, dry_run=True).json()
    assert preview["dry_run"] and [i["action"] for i in preview["items"]].count("update") == 1
    model.refresh_from_db()
    assert model.version == "2026-01"  # the dry run wrote nothing
    body = import_as(api, owner, system, document).json()
    assert body["updated"] == [model.reference]
    model.refresh_from_db()
    assert model.version == "2026-06"
    assert model.history.first().history_change_reason.startswith("Imported from a CycloneDX")


def test_after_the_gate_an_import_proposes_a_change_once(api, owner, officer, approver):
    """Under change control the import opens the change request a form's edit would, and the
    same BOM imported again does not open a second one."""
    system = make_system(owner, name="Gated")
    model = add_records(owner, system)
    services.system_transition(actor=officer, system=system, action="start_triage")
    services.approval_decide(actor=approver, system=system, decision="approve")
    document = cyclonedx.bom_document(system)
    next(c for c in document["components"] if c["bom-ref"] == model.reference)["version"] = "9"
    first = import_as(api, owner, system, document).json()
    assert len(first["change_requests"]) == 1
    model.refresh_from_db()
    assert model.version == "2026-01"  # not applied until its materiality is decided
    rows = history_row_count()
    second = import_as(api, owner, system, document).json()
    assert second["change_requests"] == [] and second["items"][0]["action"] in (
        "proposed",
        "unchanged",
    )
    assert ChangeRequest.objects.filter(system=system).count() == 1
    assert history_row_count() == rows


@pytest.fixture
def deployed(owner, officer, approver):
    connect()
    supplier = make_supplier(officer)
    system = deployed_system(owner, officer, approver)
    component = link_component(owner, system, supplier, identifier="acme-llm-2026-01")
    return system, component


def changed_model(system, component, identifier="acme-llm-2026-06"):
    document = cyclonedx.bom_document(system)
    entry = next(c for c in document["components"] if c["bom-ref"] == component.reference)
    for prop in entry["properties"]:
        if prop["name"] == "aims:model_identifier":
            prop["value"] = identifier
    return document


def test_a_model_change_on_a_deployed_system_feeds_one_notice_however_often_imported(
    api, officer, deployed
):
    system, component = deployed
    document = changed_model(system, component)
    first = import_as(api, officer, system, document).json()
    assert len(first["notices"]) == 1 and len(first["change_requests"]) == 1
    notice = VendorChangeNotice.objects.get()
    assert notice.source == "detected" and notice.observed_identifier == "acme-llm-2026-06"
    rows = history_row_count()
    second = import_as(api, officer, system, document).json()
    assert second["notices"] == first["notices"] and second["change_requests"] == []
    assert VendorChangeNotice.objects.count() == 1
    assert ChangeRequest.objects.filter(system=system, status="proposed").count() == 1
    assert history_row_count() == rows


def test_an_owner_import_proposes_the_change_and_leaves_reporting_to_officers(api, owner, deployed):
    system, component = deployed
    body = import_as(api, owner, system, changed_model(system, component)).json()
    assert body["notices"] == [] and len(body["change_requests"]) == 1
    assert any("governance officer reports" in w for w in body["warnings"])
    assert VendorChangeNotice.objects.count() == 0


@pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="concurrent writers need PostgreSQL (SQLite serialises the whole file)",
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_imports_at_once_feed_one_notice(owner, officer, approver):
    connect()
    supplier = make_supplier(officer)
    system = deployed_system(owner, officer, approver, name="Concurrent BOM")
    component = link_component(owner, system, supplier, identifier="acme-llm-2026-01")
    document = changed_model(system, component, "acme-llm-2026-07")
    barrier = threading.Barrier(2)
    errors = []

    def run():
        try:
            barrier.wait()
            bom_import(actor=officer, system=system, document=document)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert VendorChangeNotice.objects.filter(observed_identifier="acme-llm-2026-07").count() == 1
    assert ChangeRequest.objects.filter(system=system, status="proposed").count() == 1


BAD_FILES = [
    (b"{not json", "not valid JSON"),
    (b"\xff\xfe\x00", "not UTF-8"),
    (b'{"hello": "world"}', "not a CycloneDX BOM"),
    (b'{"bomFormat": "CycloneDX", "specVersion": "1.4", "version": 1}', "only CycloneDX 1.6"),
    (
        b'{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [{"name": "x"}]}',
        "does not follow the CycloneDX 1.6 schema",
    ),
    (b" " * (cyclonedx.MAX_BYTES + 1), "at most"),
]


@pytest.mark.parametrize("raw,words", BAD_FILES, ids=lambda v: str(v)[:20])
def test_a_bad_file_is_refused_and_nothing_is_written(api, owner, system, raw, words):
    rows = history_row_count()
    api.force_authenticate(owner)
    response = api.post(bom_url(system), raw, content_type="application/json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "bom_invalid" and words in body["message"]
    assert history_row_count() == rows and Component.objects.count() == 0


def test_a_value_the_record_cannot_hold_refuses_the_whole_import(api, owner, system):
    document = cyclonedx.bom_document(system)
    document["components"] = [
        {"type": "library", "name": "ok-lib", "bom-ref": "a"},
        {"type": "library", "name": "x" * 300, "bom-ref": "b"},
    ]
    rows = history_row_count()
    response = import_as(api, owner, system, document)
    assert response.status_code == 400 and "name" in response.json()["message"]
    assert Component.objects.count() == 0 and history_row_count() == rows


def test_multipart_upload_is_accepted(api, owner, system):
    from django.core.files.uploadedfile import SimpleUploadedFile

    document = cyclonedx.bom_document(system)
    document["components"] = [{"type": "library", "name": "numpy", "version": "2.1"}]
    api.force_authenticate(owner)
    upload = SimpleUploadedFile("bom.json", json.dumps(document).encode())
    response = api.post(bom_url(system), {"file": upload}, format="multipart")
    assert response.status_code == 200, response.content
    assert Component.objects.get(system=system).name == "numpy"


def test_another_owner_sees_nothing_and_an_auditor_reads_but_cannot_import(
    api, owner, other_owner, auditor, system
):
    add_records(owner, system)
    document = cyclonedx.bom_document(system)
    api.force_authenticate(other_owner)
    assert api.get(bom_url(system)).status_code == 404
    assert import_as(api, other_owner, system, document).status_code == 404
    api.force_authenticate(auditor)
    assert api.get(bom_url(system)).status_code == 200
    rows = history_row_count()
    assert import_as(api, auditor, system, document).status_code == 403
    assert history_row_count() == rows
