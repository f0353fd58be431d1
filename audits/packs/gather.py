"""Gathering an evidence pack and packing it.

Data is read with one query per table for the whole scope, then grouped in Python. The PDF is
rendered section by section and merged (see :mod:`audits.packs.render`), so memory stays flat
and build time grows with the content; the ZIP beside it holds the PDF, the evidence files in
scope and a manifest of their hashes.
"""

import csv
import hashlib
import heapq
import io
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, OuterRef, Q, Subquery
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
from incidents.models import Incident, IncidentEvent, Metric, Observation
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
from suppliers.models import (
    ReviewAnswer,
    Supplier,
    SupplierReview,
    VendorChangeImpact,
    VendorChangeNotice,
)

from ..models import (
    ChecklistItem,
    ControlStatement,
    EvidencePack,
    Finding,
    InternalAudit,
    ManagementReview,
    ReviewAction,
    SoAVersion,
)
from ..trail import signing
from ..trail.sealed_pack import (
    VERIFIER_NAME,
    signed_manifest,
    trail_context,
    verifier_source,
)
from .management import gather_management

ROWS_PER_TABLE = 80
TRAIL_EXCERPT_LIMIT = 1500
DEFAULT_TRAIL_DAYS = 365

Progress = Callable[[int, str], None]


def chunks(rows: list, size: int = ROWS_PER_TABLE) -> list[list]:
    return [rows[i : i + size] for i in range(0, len(rows), size)] or [[]]


@dataclass
class SystemSection:
    system: AISystem
    components: list = field(default_factory=list)
    datasets: list = field(default_factory=list)
    approvals: list = field(default_factory=list)
    validations: list = field(default_factory=list)
    changes: list = field(default_factory=list)
    evidence: list = field(default_factory=list)
    classification: Classification | None = None
    tier_decision: TierDecision | None = None
    risks: list = field(default_factory=list)
    risk_assessments: list = field(default_factory=list)
    impact_assessments: list = field(default_factory=list)
    metrics: list = field(default_factory=list)
    incidents: list = field(default_factory=list)

    @property
    def risk_chunks(self) -> list[list]:
        return chunks(self.risks)

    @property
    def open_alerts(self) -> int:
        return sum(m.open_alerts for m in self.metrics)

    @property
    def rows(self) -> int:
        """About how many table rows the system's section prints (to batch the rendering)."""
        return (
            20
            + len(self.risks)
            + sum(len(r.actions_in_pack) for r in self.risks)
            + sum(1 + len(i.timeline) + len(i.capas) for i in self.incidents)
            + len(self.approvals) + len(self.validations) + len(self.changes)
            + len(self.components) + len(self.datasets) + len(self.metrics)
            + len(self.evidence) + len(self.risk_assessments) + len(self.impact_assessments)
        )  # fmt: skip


@dataclass
class SupplierSection:
    supplier: Supplier
    reviews: list = field(default_factory=list)  # each with .answers_in_pack
    notices: list = field(default_factory=list)
    evidence: list = field(default_factory=list)

    @property
    def rows(self) -> int:
        return (
            8
            + sum(1 + len(r.answers_in_pack) for r in self.reviews)
            + sum(1 + len(n.impacts_in_pack) for n in self.notices)
            + len(self.evidence)
        )


# Records whose evidence files go into the pack, besides the systems and validations.
EVIDENCE_TARGETS = (
    Risk,
    RiskAssessment,
    ImpactAssessment,
    Incident,
    CorrectiveAction,
    Supplier,
    SupplierReview,
    ReviewAnswer,
    VendorChangeNotice,
    AIMSScope,
    Policy,
    PolicyVersion,
    Objective,
    ControlStatement,
    InternalAudit,
    Finding,
    ManagementReview,
)


def _period(pack: EvidencePack) -> tuple[datetime | None, datetime | None]:
    if pack.scope != EvidencePack.Scope.PERIOD:
        return None, None
    tz = timezone.get_current_timezone()
    start = datetime.combine(pack.period_start, time.min, tzinfo=tz)
    end = datetime.combine(pack.period_end + timedelta(days=1), time.min, tzinfo=tz)
    return start, end


def _in_period(queryset, field_name: str, start, end):
    if start is None:
        return queryset
    return queryset.filter(**{f"{field_name}__gte": start, f"{field_name}__lt": end})


def scope_systems(pack: EvidencePack):
    systems = AISystem.objects.select_related("owner", "oversight_person")
    if pack.scope == EvidencePack.Scope.SYSTEM:
        systems = systems.filter(pk=pack.system_id)
    return systems.order_by("id")


def gather(pack: EvidencePack, progress: Progress) -> dict[str, Any]:
    """Everything the pack shows, one query per table whatever the size of the scope.

    Records are read for the systems in scope; in a period pack, records of events (approvals,
    validations, changes, risks, assessments, incidents, corrective actions, supplier reviews
    and vendor changes) are those created in the period, while standing facts (components,
    datasets, classification and tier, monitoring, suppliers) are shown as they are today.
    The management-system records (scope, policy, objectives, training, SoA, internal audits,
    management reviews) are gathered by :func:`audits.packs.management.gather_management`.
    """
    start, end = _period(pack)
    types = ContentType.objects.get_for_models(AISystem, ValidationRecord, *EVIDENCE_TARGETS)
    systems = list(scope_systems(pack))
    ids = [s.pk for s in systems]
    sections = {s.pk: SystemSection(s) for s in systems}
    progress(10, "Reading the management system")
    ms = gather_management(pack, start, end)
    progress(12, "Reading the inventory")

    def attach(queryset, attr: str) -> list:
        rows = list(queryset)
        for row in rows:
            getattr(sections[row.system_id], attr).append(row)
        return rows

    components = attach(
        Component.objects.filter(system_id__in=ids)
        .select_related("supplier")
        .order_by("system_id", "name"),
        "components",
    )
    attach(Dataset.objects.filter(system_id__in=ids).order_by("system_id", "name"), "datasets")
    approvals = attach(
        _in_period(Approval.objects.filter(system_id__in=ids), "created_at", start, end)
        .select_related("approver")
        .order_by("system_id", "created_at"),
        "approvals",
    )
    validations = attach(
        _in_period(ValidationRecord.objects.filter(system_id__in=ids), "created_at", start, end)
        .select_related("performed_by")
        .order_by("system_id", "performed_on"),
        "validations",
    )
    attach(
        _in_period(ChangeRequest.objects.filter(system_id__in=ids), "created_at", start, end)
        .select_related("requested_by")
        .order_by("system_id", "created_at"),
        "changes",
    )
    progress(15, "Reading classifications and risks")
    for record in Classification.objects.filter(system_id__in=ids).select_related("classified_by"):
        sections[record.system_id].classification = record
    for record in TierDecision.objects.filter(system_id__in=ids).select_related("decided_by"):
        sections[record.system_id].tier_decision = record
    risks = attach(
        _in_period(Risk.objects.filter(system_id__in=ids), "created_at", start, end)
        .select_related("owner", "accepted_by", "assessment")
        .order_by("system_id", "-residual_score", "id"),
        "risks",
    )
    actions: dict[int, list] = {}
    for action in (
        _in_period(
            TreatmentAction.objects.filter(risk__system_id__in=ids), "risk__created_at", start, end
        )
        .select_related("owner")
        .order_by("risk_id", "due_date", "id")
    ):
        actions.setdefault(action.risk_id, []).append(action)
    for row in risks:
        row.actions_in_pack = actions.get(row.pk, [])
    risk_assessments = attach(
        _in_period(RiskAssessment.objects.filter(system_id__in=ids), "created_at", start, end)
        .select_related("assessor")
        .order_by("system_id", "-assessed_on", "-id"),
        "risk_assessments",
    )
    impact_assessments = attach(
        _in_period(ImpactAssessment.objects.filter(system_id__in=ids), "created_at", start, end)
        .select_related("signed_off_by")
        .order_by("system_id", "-created_at", "-id"),
        "impact_assessments",
    )
    progress(20, "Reading monitoring and incidents")
    latest = Observation.objects.filter(metric=OuterRef("pk")).order_by("-observed_at")
    attach(
        Metric.objects.filter(system_id__in=ids)
        .annotate(
            last_value=Subquery(latest.values("value")[:1]),
            last_at=Subquery(latest.values("observed_at")[:1]),
            open_alerts=Count("alerts", filter=Q(alerts__resolved_at__isnull=True)),
        )
        .order_by("system_id", "name", "id"),
        "metrics",
    )
    incidents = _incidents_in_scope(ids, sections, start, end)
    supplier_sections, notices = _suppliers_in_scope(pack, ids, components, start, end, types)
    reviews = [r for sec in supplier_sections.values() for r in sec.reviews]
    answers = [a for r in reviews for a in r.answers_in_pack]
    capas = _corrective_actions_in_scope(
        pack,
        start,
        end,
        {
            types[AISystem]: ids,
            types[Incident]: list(incidents),
            types[Risk]: [r.pk for r in risks],
            types[Supplier]: list(supplier_sections),
            types[VendorChangeNotice]: [n.pk for n in notices],
            types[SupplierReview]: [r.pk for r in reviews],
            types[Finding]: [f.pk for f in ms.findings],
            types[ManagementReview]: [r.pk for r in ms.reviews],
        },
    )
    findings = {f.pk: f for f in ms.findings}
    for capa in capas:
        if capa.source_type_id == types[Incident].pk:
            for incident in incidents.get(capa.source_id, []):
                incident.capas.append(capa)
        elif capa.source_type_id == types[Finding].pk and capa.source_id in findings:
            findings[capa.source_id].capas.append(capa)
    progress(25, "Reading evidence")
    targets: dict[tuple[int, int], tuple[str, Any]] = {}
    statements = [row.statement_or_none for row in ms.catalogue_rows if row.statement_or_none]
    policy_versions = [p.published for p in ms.policies if p.published]
    for model, rows, owner_of in (
        (AISystem, systems, lambda r: ("system", r.pk)),
        (ValidationRecord, validations, lambda r: ("system", r.system_id)),
        (Risk, risks, lambda r: ("system", r.system_id)),
        (RiskAssessment, risk_assessments, lambda r: ("system", r.system_id)),
        (ImpactAssessment, impact_assessments, lambda r: ("system", r.system_id)),
        (Incident, [i[0] for i in incidents.values()], lambda r: ("system", r.system_id)),
        (CorrectiveAction, capas, lambda r: (None, None)),
        (Supplier, [sec.supplier for sec in supplier_sections.values()],
         lambda r: ("supplier", r.pk)),
        (SupplierReview, reviews, lambda r: ("supplier", r.supplier_id)),
        (ReviewAnswer, answers, lambda r: ("supplier", r.supplier_id)),
        (VendorChangeNotice, notices, lambda r: ("supplier", r.supplier_id)),
        (AIMSScope, [ms.scope] if ms.scope else [], lambda r: (None, None)),
        (Policy, ms.policies, lambda r: (None, None)),
        (PolicyVersion, policy_versions, lambda r: (None, None)),
        (Objective, ms.objectives, lambda r: (None, None)),
        (ControlStatement, statements, lambda r: ("statement", r.pk)),
        (InternalAudit, ms.audits, lambda r: (None, None)),
        (Finding, ms.findings, lambda r: (None, None)),
        (ManagementReview, ms.reviews, lambda r: (None, None)),
    ):  # fmt: skip
        for row in rows:
            targets[(types[model].pk, row.pk)] = (_label(row), owner_of(row))
    evidence, superseded = _evidence_for(targets)
    row_of_statement = {row.statement_or_none.pk: row for row in ms.catalogue_rows
                        if row.statement_or_none}  # fmt: skip
    for item in evidence:
        label, (kind, owner_id) = targets[(item.target_type_id, item.target_id)]
        item.target_label = label
        if kind == "system" and owner_id in sections:
            sections[owner_id].evidence.append(item)
        elif kind == "supplier" and owner_id in supplier_sections:
            supplier_sections[owner_id].evidence.append(item)
        elif kind == "statement" and owner_id in row_of_statement:
            row_of_statement[owner_id].evidence_items.append(item)
    for item in superseded:
        item.target_label = targets[(item.target_type_id, item.target_id)][0]
    progress(35, "Reading the audit trail")
    trail = _trail_excerpt(
        TrailScope(
            systems=ids,
            risks=[r.pk for r in risks],
            suppliers=list(supplier_sections),
            capas=[c.pk for c in capas],
            evidence=[e.pk for e in evidence] + [e.pk for e in superseded],
            audits=[a.pk for a in ms.audits],
            findings=list(findings),
            reviews=[r.pk for r in ms.reviews],
            system_type=types[AISystem],
            control_codes={row.pk: row.code for row in ms.catalogue_rows},
        ),
        start,
        end,
    )
    return {
        "pack": pack,
        "systems": systems,
        "systems_in_aims_scope": sum(1 for s in systems if s.in_aims_scope),
        "sections": [sections[i] for i in ids],
        "ms": ms,
        "approval_count": len(approvals),
        "risk_count": len(risks),
        "incident_count": len(incidents),
        "supplier_sections": list(supplier_sections.values()),
        "capas": capas,
        "capa_count": len(capas),
        "evidence": evidence,
        "superseded_evidence": superseded,
        "trail": trail,
        "trail_count": len(trail),
        "trail_limited": len(trail) >= TRAIL_EXCERPT_LIMIT,
        "trail_since": start or timezone.now() - timedelta(days=DEFAULT_TRAIL_DAYS),
        **trail_context(),
        "generated_at": timezone.now(),
    }


def _label(row) -> str:
    """How a record is named in the pack: its reference, or what it is."""
    if isinstance(row, PolicyVersion):
        return f"{format_reference(Policy.REFERENCE_PREFIX, row.policy_id)} v{row.number}"
    if isinstance(row, ControlStatement):
        return row.item.code
    if isinstance(row, ReviewAnswer):
        return f"{format_reference(SupplierReview.REFERENCE_PREFIX, row.review_id)} answer"
    return getattr(row, "reference", "") or str(row)


def _incidents_in_scope(ids: list[int], sections: dict, start, end) -> dict[int, list]:
    """Incidents affecting the systems in scope, under each affected system (an incident on
    two systems is shown under both), each with its timeline. Returns {incident id: [its
    copies]}."""
    links = (
        _in_period(
            Incident.systems.through.objects.filter(aisystem_id__in=ids),
            "incident__created_at",
            start,
            end,
        )
        .select_related("incident__owner", "incident__system")
        .order_by("aisystem_id", "-incident__created_at", "-incident_id")
    )
    incidents: dict[int, list] = {}
    for link in links:
        incident = link.incident
        incident.capas, incident.timeline = [], []
        sections[link.aisystem_id].incidents.append(incident)
        incidents.setdefault(incident.pk, []).append(incident)
    for event in (
        IncidentEvent.objects.filter(incident_id__in=list(incidents))
        .select_related("actor")
        .order_by("incident_id", "created_at", "id")
    ):
        for incident in incidents[event.incident_id]:
            incident.timeline.append(event)
    return incidents


def _suppliers_in_scope(pack, ids, components, start, end, types):
    """Suppliers (all of them, or those a system in scope depends on), with their completed
    reviews (and their answers) and vendor change notices and, for those, the impacts on
    systems in scope."""
    suppliers = Supplier.objects.select_related("owner").order_by("name", "id")
    if pack.scope == EvidencePack.Scope.SYSTEM:
        suppliers = suppliers.filter(pk__in={c.supplier_id for c in components if c.supplier_id})
    sections = {s.pk: SupplierSection(s) for s in suppliers}
    reviews = {}
    for review in (
        _in_period(
            SupplierReview.objects.filter(
                supplier_id__in=list(sections), status=SupplierReview.Status.COMPLETED
            ),
            "created_at",
            start,
            end,
        )
        .select_related("reviewer")
        .order_by("supplier_id", "-completed_at", "-id")
    ):
        review.answers_in_pack = []
        reviews[review.pk] = review
        sections[review.supplier_id].reviews.append(review)
    for answer in ReviewAnswer.objects.filter(review_id__in=list(reviews)).order_by(
        "review_id", "topic", "position", "id"
    ):
        review = reviews[answer.review_id]
        answer.supplier_id = review.supplier_id
        review.answers_in_pack.append(answer)
    notices = list(
        _in_period(
            VendorChangeNotice.objects.filter(supplier_id__in=list(sections)),
            "created_at",
            start,
            end,
        ).order_by("supplier_id", "-created_at", "-id")
    )
    by_id = {}
    for notice in notices:
        notice.impacts_in_pack = []
        by_id[notice.pk] = notice
        sections[notice.supplier_id].notices.append(notice)
    impacts = VendorChangeImpact.objects.filter(notice_id__in=list(by_id))
    if pack.scope == EvidencePack.Scope.SYSTEM:
        impacts = impacts.filter(system_type=types[AISystem], system_id__in=ids)
    for impact in impacts.select_related("assessed_by").order_by("notice_id", "system_id", "id"):
        by_id[impact.notice_id].impacts_in_pack.append(impact)
    return sections, notices


def _corrective_actions_in_scope(pack, start, end, sources: dict) -> list:
    """Every CAPA of the whole AIMS (in the period, for a period pack), or for one system those
    whose source is one of its records (or a supplier record it depends on) or a finding or
    management review in the pack.

    The source is named from its type and id (references derive from the id), so no source
    table is read again; only a source type without references is looked up, once per type.
    """
    capas = CorrectiveAction.objects.all()
    if pack.scope == EvidencePack.Scope.SYSTEM:
        condition = Q(pk__in=[])
        for source_type, source_ids in sources.items():
            condition |= Q(source_type=source_type, source_id__in=source_ids)
        capas = capas.filter(condition)
    capas = list(
        _in_period(capas, "created_at", start, end)
        .select_related("owner", "verified_by", "source_type")
        .order_by("created_at", "id")
    )
    unnamed: dict[Any, list[int]] = {}
    for capa in capas:
        model = capa.source_type.model_class()
        prefix = getattr(model, "REFERENCE_PREFIX", "")
        if prefix:
            capa.source_label = f"{capa.source_type.name.capitalize()} " + format_reference(
                prefix, capa.source_id
            )
        else:
            unnamed.setdefault(model, []).append(capa.source_id)
    found = {model: model._base_manager.in_bulk(ids) for model, ids in unnamed.items() if model}
    for capa in capas:
        if not hasattr(capa, "source_label"):
            source = found.get(capa.source_type.model_class(), {}).get(capa.source_id)
            label = str(source) if source is not None else "deleted record"
            capa.source_label = f"{capa.source_type.name.capitalize()} {label}"
    return capas


def _evidence_for(targets: dict[tuple[int, int], tuple]) -> tuple[list, list]:
    """The evidence on the records in the pack: current versions (whose files are packed) and
    superseded versions (listed in the manifest with the version that replaced them)."""
    by_type: dict[int, list[int]] = {}
    for type_id, target_id in targets:
        by_type.setdefault(type_id, []).append(target_id)
    condition = Q(pk__in=[])
    for type_id, target_ids in by_type.items():
        condition |= Q(target_type_id=type_id, target_id__in=target_ids)
    rows = list(
        Evidence.objects.filter(condition).select_related("owner", "target_type").order_by("id")
    )
    replaced_by = {row.replaces_id: row for row in rows if row.replaces_id}
    current, superseded = [], []
    for row in rows:
        row.replaced_by_in_pack = replaced_by.get(row.pk)
        row.earlier_versions = row.version - 1
        if row.superseded_at is None and row.replaced_by_in_pack is None:
            current.append(row)
        else:
            superseded.append(row)
    return current, superseded


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


def _trail_excerpt(scope: TrailScope, start, end) -> list[dict[str, Any]]:
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


def render_pdf(context: dict[str, Any], stats: dict | None = None) -> tuple[bytes, int]:
    """The pack's PDF and its page count, rendered in sections and merged (see
    :mod:`audits.packs.render`); ``stats`` collects timings for the benchmark."""
    from .render import render_pack

    return render_pack(context, stats=stats)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_sha256(handle) -> str:
    """SHA-256 of an open file, read in blocks from its start (and rewound after)."""
    digest = hashlib.sha256()
    handle.seek(0)
    while block := handle.read(1024 * 1024):
        digest.update(block)
    handle.seek(0)
    return digest.hexdigest()


def build_zip(pack: EvidencePack, pdf: bytes, evidence: Iterable[Evidence],
              superseded: Iterable[Evidence] = (), trail: dict | None = None,
              ) -> tempfile.SpooledTemporaryFile:  # fmt: skip
    """The PDF, every current evidence file in scope, a CSV manifest, the public key, the
    standalone verifier and a signed manifest (manifest.json + manifest.sig) naming every
    file with its SHA-256; superseded versions and links are listed as entries.

    Files are streamed into a temporary file (spilled to disk past 32 MiB), so the evidence
    never sits in memory all at once. Returns the file, positioned at its start.
    """
    out = tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024)  # noqa: SIM115 -- returned
    manifest = [{"path": f"{pack.reference}.pdf", "sha256": sha256(pdf), "bytes": len(pdf),
                 "kind": "evidence pack", "reference": pack.reference}]  # fmt: skip
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(manifest[0]["path"], pdf)
        for item in evidence:
            if item.kind == Evidence.Kind.LINK:
                manifest.append({"path": "", "sha256": "", "bytes": 0, "kind": "link",
                                 "reference": item.reference, "url": item.url,
                                 "version": item.version,
                                 "attached_to": _attached_to(item)})  # fmt: skip
                continue
            path = f"evidence/{item.reference}-{item.original_filename}"
            digest, size = _copy_into(archive, path, item)
            manifest.append({"path": path, "sha256": digest, "bytes": size,
                             "kind": "evidence file", "reference": item.reference,
                             "recorded_sha256": item.sha256, "version": item.version,
                             "attached_to": _attached_to(item)})  # fmt: skip
        for item in superseded:
            newer = item.replaced_by_in_pack
            manifest.append({"path": "", "sha256": "", "bytes": 0, "kind": "superseded version",
                             "reference": item.reference, "recorded_sha256": item.sha256,
                             "url": item.url, "version": item.version,
                             "replaced_by": newer.reference if newer else "",
                             "attached_to": _attached_to(item)})  # fmt: skip
        extras = {
            "manifest.csv": (_manifest_csv(manifest).encode(), "manifest (CSV)"),
            "public_key.pem": (signing.public_key_pem().encode(), "public key"),
            VERIFIER_NAME: (verifier_source(), "standalone verifier"),
        }
        for path, (data, kind) in extras.items():
            archive.writestr(path, data)
            manifest.append({"path": path, "sha256": sha256(data), "bytes": len(data),
                             "kind": kind, "reference": ""})  # fmt: skip
        files = [row for row in manifest if row["path"]]
        entries = [row for row in manifest if not row["path"]]
        body, signature = signed_manifest(pack.reference, files, entries, trail or {},
                                          timezone.now().isoformat())  # fmt: skip
        archive.writestr("manifest.json", body)
        archive.writestr("manifest.sig", signature)
    out.seek(0)
    return out


def _copy_into(archive: zipfile.ZipFile, path: str, item: Evidence) -> tuple[str, int]:
    """Stream one stored file into the archive; returns the SHA-256 and size of what was
    packed."""
    digest, size = hashlib.sha256(), 0
    with item.file.open("rb") as source, archive.open(path, "w", force_zip64=True) as target:
        while block := source.read(1024 * 1024):
            digest.update(block)
            size += len(block)
            target.write(block)
    return digest.hexdigest(), size


def _attached_to(item: Evidence) -> str:
    """The record an evidence item proves, e.g. ``risk RSK-0012``."""
    return f"{item.target_type.name} {getattr(item, 'target_label', '') or item.target_id}"


def _manifest_csv(manifest: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    columns = ["path", "sha256", "bytes", "kind", "reference", "recorded_sha256", "url",
               "version", "replaced_by", "attached_to"]  # fmt: skip
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    for row in manifest:
        writer.writerow(row)
    return out.getvalue()
