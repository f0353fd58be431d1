"""A system's components and datasets as a CycloneDX 1.6 ML-BOM, and back.

Export: cyclonedx-python-lib builds the document (components, providers, licences,
dependencies); the ML parts it does not model yet (``modelCard`` on a model, ``data`` on a
dataset) are added to its JSON; the whole is validated against the CycloneDX 1.6 JSON schema
the library ships before it leaves. Import: the bytes are read as JSON, the spec version
checked, the schema validated, and each component read back into the fields of a Component or
Dataset (``read_entries``). Nothing here touches the database beyond reading the records.

References are the bom-refs (CMP-0001, DS-0001, AIS-0001 for the system itself), so two
exports of one system name the same things the same way. What CycloneDX has no field for
(the kind of component, the exact model identifier, the registered supplier, a dataset's use)
travels as ``aims:`` properties.
"""

import json
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from aims.errors import BusinessRuleError
from aims.people import display_name

from ..errors import Code
from ..models import AISystem, Component, Dataset, PersonalData

SPEC_VERSION = "1.6"
MEDIA_TYPE = "application/vnd.cyclonedx+json"
# A system's BOM is a few dozen records; a file far larger is not one.
MAX_BYTES = 2 * 1024 * 1024

KIND_TYPES = {
    Component.Kind.MODEL: "machine-learning-model",
    Component.Kind.API: "machine-learning-model",
    Component.Kind.LIBRARY: "library",
    Component.Kind.PROMPT: "file",
    Component.Kind.OTHER: "application",
}
# Reading a BOM written elsewhere (no aims:kind property): the kind its type stands for.
TYPE_KINDS = {
    "machine-learning-model": Component.Kind.MODEL,
    "library": Component.Kind.LIBRARY,
    "framework": Component.Kind.LIBRARY,
    "file": Component.Kind.PROMPT,
}
MODEL_KINDS = (Component.Kind.MODEL, Component.Kind.API)
# Datasets the models learnt from or were tested on: the model card's datasets.
MODEL_CARD_USES = (Dataset.Use.TRAINING, Dataset.Use.FINE_TUNING, Dataset.Use.EVALUATION)
SENSITIVE = {
    PersonalData.PERSONAL: ["personal data"],
    PersonalData.SPECIAL: ["personal data", "special category personal data"],
}


def refuse(message: str) -> BusinessRuleError:
    return BusinessRuleError(message, code=Code.BOM_INVALID)


# --- Export ---------------------------------------------------------------------------------
# The library (and jsonschema under it) is imported where used: loading the URLconf, which
# every process does at start, does not pay for it.


def _properties(pairs: dict[str, str]) -> list:
    from cyclonedx.model import Property

    return [Property(name=f"aims:{k}", value=v) for k, v in pairs.items() if v]


def _component(c: Component):
    from cyclonedx.model.component import Component as CdxComponent
    from cyclonedx.model.component import ComponentType
    from cyclonedx.model.contact import OrganizationalEntity

    return CdxComponent(
        type=ComponentType(KIND_TYPES.get(c.kind, "application")),
        name=c.name,
        bom_ref=c.reference,
        version=c.version or None,
        description=c.notes or None,
        manufacturer=OrganizationalEntity(name=c.provider) if c.provider else None,
        supplier=OrganizationalEntity(name=c.supplier.name) if c.supplier else None,
        properties=_properties(
            {
                "kind": c.kind,
                "model_identifier": c.model_identifier,
                "supplier": c.supplier.reference if c.supplier else "",
            }
        ),
    )


def _dataset(d: Dataset):
    from cyclonedx.model.component import Component as CdxComponent
    from cyclonedx.model.component import ComponentType
    from cyclonedx.model.license import DisjunctiveLicense

    return CdxComponent(
        type=ComponentType.DATA,
        name=d.name,
        bom_ref=d.reference,
        description=d.source or None,
        licenses=[DisjunctiveLicense(name=d.licence)] if d.licence else None,
        properties=_properties(
            {"use": d.use, "personal_data": d.personal_data, "quality_checks": d.quality_checks}
        ),
    )


def _data_entry(d: Dataset, system: AISystem) -> dict:
    """The dataset's data governance: what it is, how it is classified, who owns it."""
    entry: dict[str, Any] = {
        "type": "dataset",
        "name": d.name,
        "classification": d.get_personal_data_display(),
    }
    if d.personal_data in SENSITIVE:
        entry["sensitiveData"] = SENSITIVE[d.personal_data]
    owner = display_name(system.owner)
    if owner:
        entry["governance"] = {"owners": [{"contact": {"name": owner}}]}
    return entry


def _model_card(system: AISystem, datasets: list[Dataset]) -> dict:
    """What the inventory knows about a model's use in this system, as a CycloneDX model
    card: the datasets it learnt from or was tested on, who uses it, for what, its limits."""
    card: dict[str, Any] = {}
    refs = [{"ref": d.reference} for d in datasets if d.use in MODEL_CARD_USES]
    if refs:
        card["modelParameters"] = {"datasets": refs}
    considerations = {
        "users": [system.intended_users],
        "useCases": [system.purpose],
        "technicalLimitations": [system.known_risks],
    }
    considerations = {k: v for k, v in considerations.items() if v[0]}
    if considerations:
        card["considerations"] = considerations
    return card


def bom_document(system: AISystem) -> dict:
    """The system's BOM as a CycloneDX 1.6 JSON object, validated against the schema."""
    from cyclonedx.model.bom import Bom
    from cyclonedx.model.component import Component as CdxComponent
    from cyclonedx.model.component import ComponentType
    from cyclonedx.output.json import JsonV1Dot6

    components = list(Component.objects.filter(system=system).select_related("supplier"))
    datasets = list(Dataset.objects.filter(system=system))
    bom = Bom()
    root = CdxComponent(
        type=ComponentType.APPLICATION,
        name=system.name,
        bom_ref=system.reference,
        description=system.purpose or None,
    )
    bom.metadata.component = root
    parts = [_component(c) for c in components] + [_dataset(d) for d in datasets]
    for part in parts:
        bom.components.add(part)
    bom.register_dependency(root, parts)
    document = json.loads(JsonV1Dot6(bom).output_as_string())
    # The ML parts the library does not model: added to its output, checked with the rest.
    by_ref = {c["bom-ref"]: c for c in document.get("components", [])}
    card = _model_card(system, datasets)
    for c in components:
        if c.kind in MODEL_KINDS and card:
            by_ref[c.reference]["modelCard"] = card
    for d in datasets:
        by_ref[d.reference]["data"] = [_data_entry(d, system)]
    errors = schema_errors(document)
    if errors:  # a bug here, not the user's: say so loudly rather than hand out a bad file
        raise AssertionError(f"The exported BOM does not validate: {errors}")
    return document


# --- Validation -----------------------------------------------------------------------------


@cache
def _validator():
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonValidator

    return JsonValidator(SchemaVersion.V1_6)


def schema_errors(document: dict, limit: int = 5) -> list[str]:
    """Where ``document`` breaks the CycloneDX 1.6 JSON schema, in words (at most ``limit``)."""
    found = _validator().validate_str(json.dumps(document), all_errors=True)
    messages = []
    for error in found or ():
        inner = error.data
        where = "/".join(str(p) for p in inner.absolute_path) or "(top level)"
        messages.append(f"{where}: {inner.message[:300]}")
        if len(messages) >= limit:
            break
    return messages


def load_document(raw: bytes) -> dict:
    """The BOM in ``raw``, read and validated, or a refusal saying what is wrong with it."""
    if len(raw) > MAX_BYTES:
        raise refuse(f"The file is {len(raw):,} bytes; a BOM may be at most {MAX_BYTES:,} bytes.")
    try:
        document = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise refuse("The file is not UTF-8 text: a CycloneDX JSON BOM is.") from None
    except json.JSONDecodeError as exc:
        raise refuse(f"The file is not valid JSON: {exc.msg} (line {exc.lineno}).") from None
    if not isinstance(document, dict) or document.get("bomFormat") != "CycloneDX":
        raise refuse('The file is JSON but not a CycloneDX BOM (no "bomFormat": "CycloneDX").')
    version = document.get("specVersion")
    if version != SPEC_VERSION:
        raise refuse(
            f"The BOM is CycloneDX {version!s}; only CycloneDX {SPEC_VERSION} is read here. "
            "Convert it (for example with the CycloneDX CLI) and import it again."
        )
    errors = schema_errors(document)
    if errors:
        raise refuse(
            "The BOM does not follow the CycloneDX 1.6 schema: " + "; ".join(errors),
        )
    return document


# --- Import: the BOM read back into records -------------------------------------------------


@dataclass
class BomEntry:
    """One component of the BOM as the fields of a Component or Dataset. ``values`` holds
    only the fields the BOM states; ``supplier`` is the registered supplier's reference or
    name (resolved against the register by the import)."""

    model: type
    bom_ref: str
    values: dict[str, Any]
    supplier: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.values.get("name", "")


def _props(item: dict) -> dict[str, str]:
    return {
        p["name"][5:]: p.get("value", "")
        for p in item.get("properties", [])
        if p.get("name", "").startswith("aims:")
    }


def _entity_name(item: dict, key: str) -> str:
    return ((item.get(key) or {}).get("name") or "").strip()


def _licence(item: dict) -> str:
    for choice in item.get("licenses", []):
        if "expression" in choice:
            return choice["expression"]
        lic = choice.get("license", {})
        if lic.get("id") or lic.get("name"):
            return lic.get("id") or lic.get("name")
    return ""


def _component_entry(item: dict, props: dict) -> BomEntry:
    kind = props.get("kind") or TYPE_KINDS.get(item["type"], Component.Kind.OTHER)
    values: dict[str, Any] = {"kind": kind, "name": item["name"]}
    if item.get("version"):
        values["version"] = item["version"]
    provider = (
        _entity_name(item, "manufacturer")
        or _entity_name(item, "supplier")
        or item.get("publisher", "")
    )
    if provider:
        values["provider"] = provider
    if props.get("model_identifier"):
        values["model_identifier"] = props["model_identifier"]
    if item.get("description"):
        values["notes"] = item["description"]
    supplier = props.get("supplier") or _entity_name(item, "supplier")
    return BomEntry(Component, item.get("bom-ref", ""), values, supplier=supplier)


def _dataset_entry(item: dict, props: dict) -> BomEntry:
    values: dict[str, Any] = {"name": item["name"]}
    data = (item.get("data") or [{}])[0]
    source = item.get("description") or (data.get("contents") or {}).get("url", "")
    if source:
        values["source"] = source
    if props.get("use"):
        values["use"] = props["use"]
    personal = props.get("personal_data")
    if not personal and data.get("sensitiveData"):
        personal = PersonalData.PERSONAL
    if personal:
        values["personal_data"] = personal
    if licence := _licence(item):
        values["licence"] = licence
    if props.get("quality_checks"):
        values["quality_checks"] = props["quality_checks"]
    return BomEntry(Dataset, item.get("bom-ref", ""), values)


def read_entries(document: dict) -> list[BomEntry]:
    """The BOM's components (nested ones too) as records to match against the system's."""
    entries = []
    stack = list(document.get("components", []))
    while stack:
        item = stack.pop(0)
        stack.extend(item.get("components", []))
        props = _props(item)
        if item["type"] == "data":
            entries.append(_dataset_entry(item, props))
        else:
            entries.append(_component_entry(item, props))
    return entries
