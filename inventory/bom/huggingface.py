"""A component pre-filled from a Hugging Face model card: the README.md of a model repository,
whose YAML front matter (between ``---`` lines) holds its metadata. huggingface_hub's
ModelCard parses the uploaded text here; nothing is fetched from the hub.

The card names the model (its model-index name), its licence, the model it was fine-tuned
from, the datasets it was trained on and, in ``model-index``, the results it reports. Of
these the component holds the name and identifier; the rest goes into its notes, the
results marked as what the card claims (nobody here has reproduced them).
"""

from dataclasses import dataclass, field

from aims.errors import BusinessRuleError

from ..errors import Code
from ..models import Component

MAX_CARD_BYTES = 512 * 1024


@dataclass
class CardPrefill:
    initial: dict[str, str]
    results: list[str] = field(default_factory=list)


def _as_list(value) -> list[str]:
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)]


def _heading(text: str) -> str:
    for line in text.splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return ""


def card_prefill(raw: bytes) -> CardPrefill:
    """The component fields a model card file fills in, or a refusal saying why it cannot
    be read."""
    from huggingface_hub import ModelCard

    if len(raw) > MAX_CARD_BYTES:
        raise BusinessRuleError(
            f"A model card may be at most {MAX_CARD_BYTES:,} bytes.", code=Code.BOM_INVALID
        )
    try:
        text = raw.decode("utf-8-sig")
        card = ModelCard(text, ignore_metadata_errors=True)
    except Exception as exc:  # noqa: BLE001 - the parser's own errors vary (YAML, types)
        raise BusinessRuleError(
            f"The file is not a readable model card: {str(exc)[:200]}", code=Code.BOM_INVALID
        ) from None
    data = card.data
    meta = data.to_dict()
    if not meta:
        raise BusinessRuleError(
            "The file has no model card metadata (a YAML block between '---' lines at the "
            "top of the README).",
            code=Code.BOM_INVALID,
        )
    model_name = getattr(data, "model_name", None) or ""
    name = model_name or _heading(card.text) or ""
    notes = []
    for label, key in (
        ("Licence", "license"),
        ("Base model", "base_model"),
        ("Datasets", "datasets"),
        ("Language", "language"),
        ("Pipeline", "pipeline_tag"),
    ):
        values = _as_list(meta.get(key))
        if values:
            notes.append(f"{label}: {', '.join(values)}")
    results = [
        f"{r.metric_name or r.metric_type} = {r.metric_value} on {r.dataset_name} ({r.task_type})"
        for r in (getattr(data, "eval_results", None) or [])
    ]
    if results:
        notes.append("Results the card reports (not verified here):")
        notes.extend(f"- {line}" for line in results)
    initial = {
        "kind": Component.Kind.MODEL,
        "name": name[:200],
        "model_identifier": model_name[:200],
        "provider": model_name.split("/")[0][:200] if "/" in model_name else "",
        "notes": "From its Hugging Face model card.\n" + "\n".join(notes),
    }
    return CardPrefill(initial=initial, results=results)
