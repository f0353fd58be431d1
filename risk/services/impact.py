"""Impact assessments (with the FRIA parts a classification may call for): drafting and
editing them, with the listed harms checked (an edit after sign-off sends one back to
draft), and their sign-off by someone who does not own the system."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from aims.errors import BusinessRuleError, RuleForbidden, TransitionNotAllowed
from aims.history import save_with_history
from aims.permissions import require

from ..errors import Code
from ..models import Classification, ImpactAssessment
from ._common import _reject_unknown, _require_system_write

IMPACT_FIELDS = (
    "title",
    "affected_individuals",
    "affected_groups",
    "societal_impacts",
    "intended_use",
    "foreseeable_misuse",
    "harms",
    "benefits",
    "mitigations",
    "human_oversight_measures",
    "conclusion",
    *ImpactAssessment.FRIA_FIELDS,
)
REVERSIBILITY = ("reversible", "partly_reversible", "irreversible")


def clean_harms(harms: Any) -> list[dict]:
    if not isinstance(harms, list):
        raise ValidationError({"harms": ["Give a list of harms."]})
    clean = []
    for index, harm in enumerate(harms, start=1):
        problems = []
        if not isinstance(harm, dict) or not str(harm.get("description", "")).strip():
            raise ValidationError({"harms": [f"Harm {index}: describe it."]})
        for key in ("severity", "likelihood"):
            value = harm.get(key)
            if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 5:
                problems.append(f"Harm {index}: {key} must be a whole number from 1 to 5.")
        if harm.get("reversibility") not in REVERSIBILITY:
            problems.append(
                f"Harm {index}: reversibility must be one of {', '.join(REVERSIBILITY)}."
            )
        if problems:
            raise ValidationError({"harms": problems})
        clean.append(
            {
                "description": str(harm["description"]).strip(),
                "severity": harm["severity"],
                "likelihood": harm["likelihood"],
                "reversibility": harm["reversibility"],
            }
        )
    return clean


@transaction.atomic
def impact_save(
    *, actor, impact: ImpactAssessment, data: dict[str, Any], reason: str = ""
) -> ImpactAssessment:
    """Create or edit an impact assessment; editing a signed-off one sends it back to draft."""
    action = "change" if impact.pk else "add"
    system = _require_system_write(actor, impact.system, f"risk.{action}_impactassessment")
    _reject_unknown(data, IMPACT_FIELDS)
    if "harms" in data:
        data = {**data, "harms": clean_harms(data["harms"])}
    for key, value in data.items():
        setattr(impact, key, value)
    classification = Classification.objects.filter(system=system).first()
    if classification and classification.fria_required:
        missing = [f for f in ImpactAssessment.FRIA_FIELDS if not getattr(impact, f).strip()]
        if missing:
            raise ValidationError(
                {f: ["Required: the classification calls for a FRIA (Art. 27)."] for f in missing}
            )
    word = "edited" if impact.pk else "drafted"
    if impact.status == ImpactAssessment.Status.SIGNED_OFF:
        impact.status = ImpactAssessment.Status.DRAFT
        impact.signed_off_by = None
        impact.signed_off_at = None
        impact.sign_off_comment = ""
        word = "edited after sign-off: back to draft"
    save_with_history(impact, actor=actor, reason=reason or f"Impact assessment {word}")
    return impact


@transaction.atomic
def impact_sign_off(*, actor, impact: ImpactAssessment, comment: str = "") -> ImpactAssessment:
    require(
        actor,
        "risk.signoff_impactassessment",
        message="Only governance officers and approvers sign off impact assessments.",
    )
    impact = ImpactAssessment.objects.select_for_update().select_related("system").get(pk=impact.pk)
    if impact.system.owner_id == actor.pk:
        raise RuleForbidden(
            "You own this system: segregation of duties forbids signing off its assessment.",
            code=Code.SEGREGATION_OF_DUTIES,
        )
    if impact.status == ImpactAssessment.Status.SIGNED_OFF:
        raise TransitionNotAllowed(
            f"{impact.reference} is already signed off.", code=Code.SIGNED_OFF
        )
    if not impact.conclusion.strip():
        raise BusinessRuleError(
            f"{impact.reference} has no conclusion yet: it cannot be signed off.",
            code=Code.INCOMPLETE,
        )
    impact.status = ImpactAssessment.Status.SIGNED_OFF
    impact.signed_off_by = actor
    impact.signed_off_at = timezone.now()
    impact.sign_off_comment = comment.strip()
    save_with_history(impact, actor=actor, reason=f"Impact assessment signed off by {actor}")
    return impact
