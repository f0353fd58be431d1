"""The bill of materials in the browser: the Components tab's download and import links, the
import's preview then confirmation, a bad file refused on the form, and a component form
filled in from a Hugging Face model card."""

import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from inventory import services
from inventory.bom import cyclonedx
from inventory.models import Component

from ..matrix.world import history_row_count

pytestmark = pytest.mark.django_db

CARD = Path(__file__).parent / "fixtures" / "hf_model_card.md"


def upload(document) -> SimpleUploadedFile:
    return SimpleUploadedFile("bom.cdx.json", json.dumps(document).encode(), "application/json")


def test_the_components_tab_offers_download_to_readers_and_import_to_writers(
    client, owner, auditor, system
):
    tab = reverse("inventory:system_tab", args=[system.pk, "components"])
    client.force_login(owner)
    page = client.get(tab).content.decode()
    assert reverse("inventory:system_bom_download", args=[system.pk]) in page
    assert reverse("inventory:system_bom_import", args=[system.pk]) in page
    client.force_login(auditor)
    page = client.get(tab).content.decode()
    assert reverse("inventory:system_bom_download", args=[system.pk]) in page
    assert reverse("inventory:system_bom_import", args=[system.pk]) not in page
    download = client.get(reverse("inventory:system_bom_download", args=[system.pk]))
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    assert cyclonedx.schema_errors(json.loads(download.content)) == []


def test_import_previews_then_writes_only_on_confirmation(client, owner, system):
    document = cyclonedx.bom_document(system)
    document["components"] = [
        {"type": "machine-learning-model", "name": "Whisper", "version": "large-v3"},
        {"type": "data", "name": "Call recordings", "description": "Contact centre"},
    ]
    url = reverse("inventory:system_bom_import", args=[system.pk])
    client.force_login(owner)
    rows = history_row_count()
    preview = client.post(url, {"file": upload(document)})
    assert preview.status_code == 200
    text = preview.content.decode()
    assert "What the import changes" in text and "Whisper" in text and "2 to add" in text
    assert Component.objects.filter(system=system).count() == 0 and history_row_count() == rows
    document_text = preview.context["confirm"].initial["document"]
    done = client.post(url, {"document": document_text})
    assert done.status_code == 302
    assert Component.objects.get(system=system).version == "large-v3"
    assert system.datasets.get().source == "Contact centre"
    follow = client.get(done["Location"]).content.decode()
    assert "BOM imported into" in follow


def test_a_bad_file_is_refused_on_the_form_and_nothing_written(client, owner, system):
    url = reverse("inventory:system_bom_import", args=[system.pk])
    client.force_login(owner)
    rows = history_row_count()
    bad = SimpleUploadedFile("bom.json", b'{"bomFormat": "CycloneDX", "specVersion": "1.5"}')
    response = client.post(url, {"file": bad})
    assert response.status_code == 400
    assert "only CycloneDX 1.6" in response.content.decode()
    confirm = client.post(url, {"document": "{broken"})
    assert confirm.status_code == 400 and "not valid JSON" in confirm.content.decode()
    assert history_row_count() == rows


def test_an_auditor_cannot_open_the_import(client, auditor, system):
    client.force_login(auditor)
    url = reverse("inventory:system_bom_import", args=[system.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"document": "{}"}).status_code == 403


def test_a_model_card_fills_in_the_component_form(client, owner, system):
    client.force_login(owner)
    add = client.get(reverse("inventory:component_add", args=[system.pk])).content.decode()
    assert reverse("inventory:component_prefill", args=[system.pk]) in add
    card = SimpleUploadedFile("README.md", CARD.read_bytes(), "text/markdown")
    response = client.post(reverse("inventory:component_prefill", args=[system.pk]), {"card": card})
    assert response.status_code == 200
    initial = response.context["form"].initial
    assert initial["name"] == "acme/support-assistant-8b"
    assert initial["model_identifier"] == "acme/support-assistant-8b"
    assert initial["provider"] == "acme" and initial["kind"] == "model"
    notes = initial["notes"]
    assert "Licence: apache-2.0" in notes
    assert "Base model: meta-llama/Llama-3.1-8B-Instruct" in notes
    assert "Datasets: acme/support-tickets-2025" in notes
    assert "Exact match = 0.71 on Acme support QA" in notes
    # The form posts to the add page; nothing is saved until then.
    assert reverse("inventory:component_add", args=[system.pk]) in response.content.decode()
    assert Component.objects.filter(system=system).count() == 0
    saved = client.post(
        reverse("inventory:component_add", args=[system.pk]),
        {k: v for k, v in initial.items()},
    )
    assert saved.status_code == 302
    assert Component.objects.get(system=system).name == "acme/support-assistant-8b"


def test_a_file_without_card_metadata_is_refused(client, owner, system):
    client.force_login(owner)
    card = SimpleUploadedFile("README.md", b"# Just a heading\n\nNo metadata.")
    response = client.post(reverse("inventory:component_prefill", args=[system.pk]), {"card": card})
    assert response.status_code == 400
    assert "no model card metadata" in response.content.decode()


def test_the_card_parser_never_calls_the_hub(monkeypatch, owner, system):
    """Any network call from the parser would fail the test."""
    import socket

    from inventory.bom.huggingface import card_prefill

    def refuse(*args, **kwargs):
        raise AssertionError("network used")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    prefill = card_prefill(CARD.read_bytes())
    assert prefill.results == ["Exact match = 0.71 on Acme support QA (text-generation)"]
    services.child_save(actor=owner, record=Component(system=system), data=prefill.initial)
