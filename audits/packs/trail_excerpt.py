"""The excerpt of the audit trail printed in an evidence pack: the newest changes to the
records in the pack, one query per history table, merged newest first."""

import heapq
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from aims.models import (
    AIMSScope,
    CorrectiveAction,
    Evidence,
    Objective,
    Policy,
    PolicyVersion,
    format_reference,
)
from incidents.models import Incident, Metric
from inventory.models import (
    AISystem,
    Approval,
    ChangeRequest,
    Component,
    Dataset,
    ValidationRecord,
)
from risk.models import (
    Classification,
    ImpactAssessment,
    Risk,
    RiskAssessment,
    TierDecision,
    TreatmentAction,
)
from suppliers.models import Supplier, SupplierReview, VendorChangeImpact, VendorChangeNotice

from ..models import (
    ChecklistItem,
    ControlStatement,
    Finding,
    InternalAudit,
    ManagementReview,
    ReviewAction,
    SoAVersion,
)

TRAIL_EXCERPT_LIMIT = 1500
DEFAULT_TRAIL_DAYS = 365


@dataclass
class TrailScope:
    systems: list[int]
    risks: list[int]
    suppliers: list[int]
    capas: list[int]
    evidence: list[int]
    audits: list[int]
    findings: list[int]
    reviews: list[int]
    system_type: ContentType
    control_codes: dict[int, str]


def _ref(model) -> Callable[[int], str]:
    return lambda pk: format_reference(model.REFERENCE_PREFIX, pk) if pk else ""


def _trail_sources(scope: TrailScope) -> list[tuple[Any, str, Callable[[Any], str]]]:
    """(history queryset, the field naming the record, how to name it) for every register in
    the pack: one query per history table."""
    system_models = (Component, Dataset, Approval, ValidationRecord, ChangeRequest,
                     Classification, TierDecision, RiskAssessment, Risk, ImpactAssessment,
                     Incident, Metric)  # fmt: skip
    own_reference = (
        [m.history.filter(system_id__in=scope.systems) for m in system_models
         if getattr(m, "REFERENCE_PREFIX", "")]
    )  # fmt: skip
    sources: list[tuple[Any, str, Callable[[Any], str]]] = [
        (AISystem.history.filter(id__in=scope.systems), "id", _ref(AISystem))
    ]
    sources += [(qs, "id", _ref(qs.model.instance_type)) for qs in own_reference]
    sources += [
        (m.history.filter(system_id__in=scope.systems), "system_id", _ref(AISystem))
        for m in system_models
        if not getattr(m, "REFERENCE_PREFIX", "")
    ]
    sources += [
        (TreatmentAction.history.filter(risk_id__in=scope.risks), "risk_id", _ref(Risk)),
        (VendorChangeImpact.history.filter(system_type=scope.system_type,
                                           system_id__in=scope.systems),
         "system_id", _ref(AISystem)),
        (Supplier.history.filter(id__in=scope.suppliers), "id", _ref(Supplier)),
        (SupplierReview.history.filter(supplier_id__in=scope.suppliers), "id",
         _ref(SupplierReview)),
        (VendorChangeNotice.history.filter(supplier_id__in=scope.suppliers), "id",
         _ref(VendorChangeNotice)),
        (CorrectiveAction.history.filter(id__in=scope.capas), "id", _ref(CorrectiveAction)),
        (Evidence.history.filter(id__in=scope.evidence), "id", _ref(Evidence)),
        (AIMSScope.history.all(), "id", lambda pk: "Scope"),
        (Policy.history.all(), "id", _ref(Policy)),
        (PolicyVersion.history.all(), "policy_id", _ref(Policy)),
        (Objective.history.all(), "id", _ref(Objective)),
        (ControlStatement.history.filter(item_id__in=list(scope.control_codes)), "item_id",
         lambda pk: scope.control_codes.get(pk, f"catalogue item {pk}")),
        (SoAVersion.history.all(), "number", lambda n: f"SoA v{n}"),
        (InternalAudit.history.filter(id__in=scope.audits), "id", _ref(InternalAudit)),
        (ChecklistItem.history.filter(audit_id__in=scope.audits), "audit_id",
         _ref(InternalAudit)),
        (Finding.history.filter(id__in=scope.findings), "id", _ref(Finding)),
        (ManagementReview.history.filter(id__in=scope.reviews), "id", _ref(ManagementReview)),
        (ReviewAction.history.filter(review_id__in=scope.reviews), "review_id",
         _ref(ManagementReview)),
    ]  # fmt: skip
    return sources


TRAIL_FIELDS = ("history_date", "history_user__username", "history_type",
                "history_change_reason")  # fmt: skip
CHANGE = {"+": "Created", "~": "Changed", "-": "Deleted"}


def trail_excerpt(scope: TrailScope, start, end) -> list[dict[str, Any]]:
    """The newest changes to the records in the pack, read as plain values (no model
    instances) and merged newest first."""
    since = start or timezone.now() - timedelta(days=DEFAULT_TRAIL_DAYS)
    streams = []
    for queryset, key, name in _trail_sources(scope):
        queryset = queryset.filter(history_date__gte=since)
        if end is not None:
            queryset = queryset.filter(history_date__lt=end)
        kind = queryset.model.instance_type._meta.verbose_name
        rows = queryset.order_by("-history_date").values_list(*TRAIL_FIELDS, key)
        streams.append(
            [
                {"when": when, "who": who or "system", "record": name(value), "kind": kind,
                 "type": CHANGE[change], "reason": reason or ""}
                for when, who, change, reason, value in rows[:TRAIL_EXCERPT_LIMIT]
            ]
        )  # fmt: skip
    merged = heapq.merge(*streams, key=lambda r: r["when"], reverse=True)
    return [row for _, row in zip(range(TRAIL_EXCERPT_LIMIT), merged, strict=False)]
