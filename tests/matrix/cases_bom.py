"""Role-matrix rows of the AI bill of materials (inventory.bom): the system's BOM downloaded
by whoever may see the system, imported by whoever may change its components (before the
intake gate, so an addition is saved in place), and a component form filled in from a
Hugging Face model card."""

import json
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from inventory.bom.cyclonedx import bom_document
from inventory.models import Component

from .framework import (
    API_SYSTEM_CHANGE,
    API_SYSTEM_READ,
    SYSTEM_CHANGE,
    SYSTEM_READ,
    Case,
    count,
    system_pk,
)
from .world import World

BEFORE_GATE = {"stage": "intake_submitted"}
CARD = Path(__file__).parent.parent / "inventory" / "fixtures" / "hf_model_card.md"


def bom_with_library(w: World) -> dict:
    document = bom_document(w.system)
    document["components"] = [
        *document.get("components", []),
        {"type": "library", "name": "matrix-lib", "version": "1.0"},
    ]
    return document


def card_upload(w: World) -> dict:
    return {"card": SimpleUploadedFile("README.md", CARD.read_bytes(), "text/markdown")}


# --- bom --------------------------------------------------------------------------------------
CASES = [
    Case("inventory:system_bom_download", "GET", SYSTEM_READ, kwargs=system_pk),
    Case("inventory:system_bom_import", "GET", SYSTEM_CHANGE, kwargs=system_pk),
    Case("inventory:system_bom_import", "POST", SYSTEM_CHANGE, **BEFORE_GATE, kwargs=system_pk,
         data=lambda w: {"document": json.dumps(bom_with_library(w))},
         effect=count(Component)),
    Case("inventory:component_prefill", "POST", SYSTEM_CHANGE, kwargs=system_pk,
         data=card_upload),
    Case("api:system-bom", "GET", API_SYSTEM_READ, kwargs=system_pk),
    Case("api:system-bom", "POST", API_SYSTEM_CHANGE, **BEFORE_GATE, kwargs=system_pk,
         data=bom_with_library, effect=count(Component)),
]  # fmt: skip
