"""The inventory's share of the daily trends: AI systems by risk tier and by lifecycle stage.

Tiers count the systems still in play (retired and rejected ones left out); stages count
every system, so a retirement shows as a move from "deployed" to "retired"."""

from datetime import date

from django.db.models import Count

from aims.trends.registry import Chart, Series, Source

from .models import AISystem, LifecycleStage, RiskTier

CLOSED = (LifecycleStage.RETIRED, LifecycleStage.REJECTED)


def figures(today: date) -> dict[str, int]:
    by_stage = dict(
        AISystem.objects.order_by().values_list("lifecycle_stage").annotate(n=Count("id"))
    )
    by_tier = dict(
        AISystem.objects.exclude(lifecycle_stage__in=CLOSED)
        .order_by()
        .values_list("risk_tier")
        .annotate(n=Count("id"))
    )
    result = {f"systems.tier.{v}": by_tier.get(v, 0) for v in RiskTier.values}
    result.update({f"systems.stage.{v}": by_stage.get(v, 0) for v in LifecycleStage.values})
    result["systems.active"] = sum(by_tier.values())
    return result


TIERS = tuple(Series(f"systems.tier.{v}", label) for v, label in RiskTier.choices)
STAGES = tuple(Series(f"systems.stage.{v}", label) for v, label in LifecycleStage.choices)
ACTIVE = Series("systems.active", "AI systems in play")

SOURCE = Source(
    name="inventory",
    order=20,
    permission="inventory.view_aisystem",
    figures=figures,
    charts=(
        Chart(
            "tiers", 20, "AI systems in play by risk tier", TIERS, hide_empty=True, breakdown="Tier"
        ),
        Chart(
            "stages",
            21,
            "AI systems by lifecycle stage",
            STAGES,
            hide_empty=True,
            breakdown="Stage",
        ),
    ),
    headline=(ACTIVE,),
)
