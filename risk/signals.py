"""The risk app listens to the inventory (the higher layer subscribes, the lower one knows
nothing): when a classified system's details change (decision impact, personal data), its
tier is derived again and the new reasons recorded."""

from inventory.models import AISystem


def system_saved(sender, instance: AISystem, created: bool, **kwargs) -> None:
    from .models import Classification, TierDecision
    from .services import tier_outcome_for, tier_recompute

    actor = getattr(instance, "_history_user", None)
    if created or actor is None:
        return
    classification = Classification.objects.filter(system_id=instance.pk).first()
    if classification is None:
        return
    outcome = tier_outcome_for(instance)
    decision = TierDecision.objects.filter(system_id=instance.pk).first()
    if decision is None or (decision.tier, decision.reasons) != (outcome.tier, outcome.reasons):
        tier_recompute(actor=actor, system=instance, cause="system details changed")
