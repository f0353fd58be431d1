"""The risk methodology: the current version (created on first use) and its update by
officers, with the checks on the likelihood and impact scales and the level thresholds.
Each update is a new version in the history; risks keep the scores they were given until
they are edited."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from aims.history import save_with_history
from aims.permissions import require

from ..models import Methodology
from ._common import _reject_unknown


def methodology_current() -> Methodology:
    current = Methodology.objects.order_by("-id").first()
    if current is None:
        current = Methodology.objects.create()
    return current


def _check_scale(name: str, scale: Any, errors: dict) -> list[dict]:
    if not isinstance(scale, list) or not 2 <= len(scale) <= 10:
        errors[name] = ["Give between 2 and 10 steps."]
        return []
    clean = []
    for index, step in enumerate(scale, start=1):
        if not isinstance(step, dict) or not str(step.get("label", "")).strip():
            errors[name] = [f"Step {index} needs a label."]
            return []
        clean.append(
            {
                "value": index,
                "label": str(step["label"]).strip()[:60],
                "description": str(step.get("description", "")).strip()[:300],
            }
        )
    return clean


METHODOLOGY_FIELDS = ("name", "likelihood_scale", "impact_scale", "thresholds", "appetite")


@transaction.atomic
def methodology_update(*, actor, data: dict[str, Any], reason: str = "") -> Methodology:
    """Change the methodology: a new version in the history. Risks keep the scores and levels
    they were given; they are re-scored only when they are edited."""
    require(actor, "risk.change_methodology", message="Only officers change the methodology.")
    _reject_unknown(data, METHODOLOGY_FIELDS)
    methodology = Methodology.objects.select_for_update().get(pk=methodology_current().pk)
    errors: dict[str, list[str]] = {}
    if "likelihood_scale" in data:
        methodology.likelihood_scale = _check_scale(
            "likelihood_scale", data["likelihood_scale"], errors
        )
    if "impact_scale" in data:
        methodology.impact_scale = _check_scale("impact_scale", data["impact_scale"], errors)
    if "thresholds" in data:
        t = data["thresholds"]
        try:
            values = [int(t[k]) for k in ("low", "medium", "high")]
        except (KeyError, TypeError, ValueError):
            errors["thresholds"] = ["Give whole numbers for low, medium and high."]
        else:
            if not 1 <= values[0] < values[1] < values[2]:
                errors["thresholds"] = ["Need 1 <= low < medium < high."]
            methodology.thresholds = dict(zip(("low", "medium", "high"), values, strict=True))
    for key in ("name", "appetite"):
        if key in data:
            setattr(methodology, key, data[key])
    if not errors and methodology.thresholds["high"] >= (
        methodology.likelihood_max * methodology.impact_max
    ):
        errors["thresholds"] = ["'High' must end below the top score, or nothing is critical."]
    if errors:
        raise ValidationError(errors)
    methodology.version += 1
    save_with_history(
        methodology, actor=actor, reason=reason or f"Methodology v{methodology.version}"
    )
    return methodology
