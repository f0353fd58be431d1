"""Permission-restricted reads of the risk app: a record is visible to whoever may see its
AI system (filtered in SQL through inventory.selectors.restrict_systems)."""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Q, QuerySet
from django.urls import reverse

from aims.models import parse_reference
from inventory.models import AISystem
from inventory.selectors import restrict_systems

from .models import (
    Classification,
    ImpactAssessment,
    Methodology,
    Risk,
    RiskAssessment,
    TierDecision,
    TreatmentAction,
)

#: The register's sortable columns (URL key -> field); ``reference`` is creation order.
RISK_SORTABLE = {
    "reference": "id",
    "title": "title",
    "system": "system_id",  # the column shows the system's reference
    "category": "category",
    "inherent": "inherent_score",
    "treatment": "treatment",
    "residual": "residual_score",
    "acceptance": "acceptance",
    "owner": "owner__username",
    "review": "review_date",
}

RISK_FILTERS = (
    "system",
    "category",
    "risk_source",
    "treatment",
    "inherent_level",
    "residual_level",
    "acceptance",
    "owner",
    "inherent_likelihood",
    "inherent_impact",
    "residual_likelihood",
    "residual_impact",
)


def visible_systems(user: AbstractBaseUser) -> QuerySet[AISystem]:
    return restrict_systems(AISystem.objects.all(), user)


def _under_systems(model, user, related: tuple[str, ...] = ("system",)) -> QuerySet:
    """Records under a system, as visible as their system (aims.visibility)."""
    return model.objects.restrict(user).select_related(*related)


def risk_list(*, user: AbstractBaseUser, filters: dict[str, Any] | None = None) -> QuerySet[Risk]:
    filters = filters or {}
    qs = _under_systems(Risk, user, ("system", "owner", "accepted_by"))
    search = (filters.get("q") or "").strip()
    if search:
        pk = parse_reference(Risk.REFERENCE_PREFIX, search)
        qs = qs.filter(Q(pk=pk) if pk else Q(title__icontains=search))
    for key in RISK_FILTERS:
        value = filters.get(key)
        if value not in (None, ""):
            field = key if key not in ("system", "owner") else f"{key}_id"
            qs = qs.filter(**{field: getattr(value, "pk", value)})
    if filters.get("review_overdue"):
        from django.utils import timezone

        qs = qs.filter(review_date__lt=timezone.localdate())
    return qs.order_by("-residual_score", "id")


def risk_get(*, user: AbstractBaseUser, pk: int) -> Risk:
    return risk_list(user=user).get(pk=pk)


def assessment_list(*, user: AbstractBaseUser) -> QuerySet[RiskAssessment]:
    return _under_systems(RiskAssessment, user, ("system", "assessor"))


def impact_list(*, user: AbstractBaseUser) -> QuerySet[ImpactAssessment]:
    return _under_systems(ImpactAssessment, user, ("system", "signed_off_by"))


def classification_list(*, user: AbstractBaseUser) -> QuerySet[Classification]:
    return _under_systems(Classification, user, ("system", "classified_by"))


def tier_decision_list(*, user: AbstractBaseUser) -> QuerySet[TierDecision]:
    return _under_systems(TierDecision, user, ("system", "decided_by"))


def action_list(*, user: AbstractBaseUser) -> QuerySet[TreatmentAction]:
    visible = visible_systems(user).values("pk")
    return TreatmentAction.objects.filter(risk__system__in=visible).select_related(
        "risk", "risk__system", "owner"
    )


def heatmaps(risks: QuerySet[Risk], system: AISystem | None = None) -> dict[str, dict]:
    """The inherent and the residual heat maps from one scan of ``risks`` (at most 625 rows
    come back: one per combination of the four scores)."""
    from .services import methodology_current

    fields = ("inherent_likelihood", "inherent_impact", "residual_likelihood", "residual_impact")
    inherent: dict[tuple[int, int], int] = {}
    residual: dict[tuple[int, int], int] = {}
    for il, ii, rl, ri, n in (
        risks.order_by().values_list(*fields).annotate(n=Count("*")).values_list(*fields, "n")
    ):
        inherent[(il, ii)] = inherent.get((il, ii), 0) + n
        residual[(rl, ri)] = residual.get((rl, ri), 0) + n
    methodology = methodology_current()
    return {
        "inherent": heatmap(risks, "inherent", system, counts=inherent, methodology=methodology),
        "residual": heatmap(risks, "residual", system, counts=residual, methodology=methodology),
    }


def heatmap(
    risks: QuerySet[Risk],
    kind: str,
    system: AISystem | None = None,
    *,
    counts: dict[tuple[int, int], int] | None = None,
    methodology: Methodology | None = None,
) -> dict:
    """Counts per (likelihood, impact) cell, highest likelihood first, each cell with a link to
    the register filtered on it. ``counts`` already read (:func:`heatmaps`) are used as is."""
    from .services import methodology_current

    methodology = methodology or methodology_current()
    l_field, i_field = f"{kind}_likelihood", f"{kind}_impact"
    if counts is None:
        counts = {
            (row[l_field], row[i_field]): row["n"]
            for row in risks.order_by().values(l_field, i_field).annotate(n=Count("id"))
        }
    l_max = max([methodology.likelihood_max, *(k[0] for k in counts)])
    i_max = max([methodology.impact_max, *(k[1] for k in counts)])
    base = reverse("risk:register")
    scope = f"system={system.pk}&" if system else ""
    rows = []
    for likelihood in range(l_max, 0, -1):
        cells = []
        for impact in range(1, i_max + 1):
            n = counts.get((likelihood, impact), 0)
            cells.append(
                {
                    "likelihood": likelihood,
                    "impact": impact,
                    "count": n,
                    "level": methodology.level_for(likelihood * impact),
                    "url": f"{base}?{scope}{l_field}={likelihood}&{i_field}={impact}",
                }
            )
        label = (
            methodology.likelihood_scale[likelihood - 1]["label"]
            if likelihood <= methodology.likelihood_max
            else str(likelihood)
        )
        rows.append({"likelihood": likelihood, "label": label, "cells": cells})
    impacts = [
        methodology.impact_scale[i - 1]["label"] if i <= methodology.impact_max else str(i)
        for i in range(1, i_max + 1)
    ]
    return {"kind": kind, "rows": rows, "impacts": impacts, "total": sum(counts.values())}
