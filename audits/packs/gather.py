"""Gathering an evidence pack and packing it.

Data is read with one query per table for the whole scope, then grouped in Python. The PDF is
rendered section by section and merged (see :mod:`audits.packs.render`), so memory stays flat
and build time grows with the content; the ZIP beside it (:mod:`audits.packs.archive`) holds
the PDF, the evidence files in scope and a manifest of their hashes.
"""

from collections.abc import Callable
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
    ControlStatement,
    EvidencePack,
    Finding,
    InternalAudit,
    ManagementReview,
)
from ..trail.sealed_pack import trail_context
from .management import gather_management
from .trail_excerpt import DEFAULT_TRAIL_DAYS, TRAIL_EXCERPT_LIMIT, TrailScope, trail_excerpt

ROWS_PER_TABLE = 80

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


def narrowed_ids(pack: EvidencePack) -> list[int] | None:
    """The systems a pack is narrowed to (None: every system): its one system, or the systems
    the external audit it was made for samples (when it samples any)."""
    if pack.scope == EvidencePack.Scope.SYSTEM:
        return [pack.system_id]
    if pack.is_for_audit and pack.external_audit_id:
        if not hasattr(pack, "_sampled_ids"):
            from ..certification.models import ExternalAudit

            through = ExternalAudit.sampled_systems.through
            pack._sampled_ids = sorted(
                through.objects.filter(externalaudit_id=pack.external_audit_id).values_list(
                    "aisystem_id", flat=True
                )
            )
        return pack._sampled_ids or None
    return None


def _period(pack: EvidencePack) -> tuple[datetime | None, datetime | None]:
    dated = pack.scope == EvidencePack.Scope.PERIOD or (
        pack.scope == EvidencePack.Scope.OPERATIONS and pack.period_start and pack.period_end
    )
    if not dated:
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
    ids = narrowed_ids(pack)
    if ids is not None:
        systems = systems.filter(pk__in=ids)
    return systems.order_by("id")


def gather(pack: EvidencePack, progress: Progress) -> dict[str, Any]:
    """Everything the pack shows, one query per table whatever the size of the scope.

    Records are read for the systems in scope; in a period pack, records of events (approvals,
    validations, changes, risks, assessments, incidents, corrective actions, supplier reviews
    and vendor changes) are those created in the period, while standing facts (components,
    datasets, classification and tier, monitoring, suppliers) are shown as they are today.
    The management-system records (scope, policy, objectives, training, SoA, internal audits,
    management reviews) are gathered by :func:`audits.packs.management.gather_management`.
    Each part is read by its own function below, in the order the pack presents them.
    """
    start, end = _period(pack)
    types = ContentType.objects.get_for_models(AISystem, ValidationRecord, *EVIDENCE_TARGETS)
    systems = list(scope_systems(pack))
    ids = [s.pk for s in systems]
    sections = {s.pk: SystemSection(s) for s in systems}
    progress(10, "Reading the management system")
    ms = gather_management(pack, start, end)
    progress(12, "Reading the inventory")
    inventory = _inventory(ids, sections, start, end)
    progress(15, "Reading classifications and risks")
    risks = _risks(ids, sections, start, end)
    progress(20, "Reading monitoring and incidents")
    _monitoring(ids, sections)
    incidents = _incidents_in_scope(ids, sections, start, end)
    suppliers = _suppliers_in_scope(pack, ids, inventory.components, start, end, types)
    capas = _corrective_actions(pack, start, end, types, ids, risks, incidents, suppliers, ms)
    progress(25, "Reading evidence")
    evidence, superseded = _evidence(types, systems, sections, inventory, risks, incidents,
                                     capas, suppliers, ms)  # fmt: skip
    progress(35, "Reading the audit trail")
    trail = trail_excerpt(
        TrailScope(
            systems=ids,
            risks=[r.pk for r in risks.risks],
            suppliers=list(suppliers.sections),
            capas=[c.pk for c in capas],
            evidence=[e.pk for e in evidence] + [e.pk for e in superseded],
            audits=[a.pk for a in ms.audits],
            findings=[f.pk for f in ms.findings],
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
        "approval_count": len(inventory.approvals),
        "risk_count": len(risks.risks),
        "incident_count": len(incidents),
        "supplier_sections": list(suppliers.sections.values()),
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
        "sampled": bool(pack.is_for_audit and narrowed_ids(pack)),
        **_readiness(pack),
    }


def _readiness(pack: EvidencePack) -> dict[str, Any]:
    """A stage 1 pack shows how ready the AIMS is and what is still missing."""
    if pack.scope != EvidencePack.Scope.STAGE1:
        return {"readiness": None, "readiness_gaps": []}
    from ..soa.readiness import readiness

    state = readiness()
    return {"readiness": state, "readiness_gaps": [i for i in state.items if not i.ready]}


def _attach(sections: dict, queryset, attr: str) -> list:
    """Read ``queryset`` and file each row under its system's section (``attr``)."""
    rows = list(queryset)
    for row in rows:
        getattr(sections[row.system_id], attr).append(row)
    return rows


@dataclass
class Inventory:
    components: list
    approvals: list
    validations: list


def _inventory(ids: list[int], sections: dict, start, end) -> Inventory:
    """Components, datasets, approvals, validations and change requests of the systems."""
    components = _attach(
        sections,
        Component.objects.filter(system_id__in=ids)
        .select_related("supplier")
        .order_by("system_id", "name"),
        "components",
    )
    _attach(
        sections,
        Dataset.objects.filter(system_id__in=ids).order_by("system_id", "name"),
        "datasets",
    )
    approvals = _attach(
        sections,
        _in_period(Approval.objects.filter(system_id__in=ids), "created_at", start, end)
        .select_related("approver")
        .order_by("system_id", "created_at"),
        "approvals",
    )
    validations = _attach(
        sections,
        _in_period(ValidationRecord.objects.filter(system_id__in=ids), "created_at", start, end)
        .select_related("performed_by")
        .order_by("system_id", "performed_on"),
        "validations",
    )
    _attach(
        sections,
        _in_period(ChangeRequest.objects.filter(system_id__in=ids), "created_at", start, end)
        .select_related("requested_by")
        .order_by("system_id", "created_at"),
        "changes",
    )
    return Inventory(components, approvals, validations)


@dataclass
class Risks:
    risks: list
    risk_assessments: list
    impact_assessments: list


def _risks(ids: list[int], sections: dict, start, end) -> Risks:
    """Classification and tier of each system, its risks (each with its treatment actions),
    risk assessments and impact assessments."""
    for record in Classification.objects.filter(system_id__in=ids).select_related(
        "classified_by", "confirmed_by"
    ):
        sections[record.system_id].classification = record
    for record in TierDecision.objects.filter(system_id__in=ids).select_related("decided_by"):
        sections[record.system_id].tier_decision = record
    risks = _attach(
        sections,
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
    risk_assessments = _attach(
        sections,
        _in_period(RiskAssessment.objects.filter(system_id__in=ids), "created_at", start, end)
        .select_related("assessor")
        .order_by("system_id", "-assessed_on", "-id"),
        "risk_assessments",
    )
    impact_assessments = _attach(
        sections,
        _in_period(ImpactAssessment.objects.filter(system_id__in=ids), "created_at", start, end)
        .select_related("signed_off_by")
        .order_by("system_id", "-created_at", "-id"),
        "impact_assessments",
    )
    return Risks(risks, risk_assessments, impact_assessments)


def _monitoring(ids: list[int], sections: dict) -> None:
    """The metrics of the systems, each with its latest value and open alerts."""
    latest = Observation.objects.filter(metric=OuterRef("pk")).order_by("-observed_at")
    _attach(
        sections,
        Metric.objects.filter(system_id__in=ids)
        .annotate(
            last_value=Subquery(latest.values("value")[:1]),
            last_at=Subquery(latest.values("observed_at")[:1]),
            open_alerts=Count("alerts", filter=Q(alerts__resolved_at__isnull=True)),
        )
        .order_by("system_id", "name", "id"),
        "metrics",
    )


def _corrective_actions(pack, start, end, types, ids, risks: Risks, incidents: dict,
                        suppliers: "Suppliers", ms) -> list:  # fmt: skip
    """The corrective actions in scope, each also listed under its incident or finding."""
    capas = _corrective_actions_in_scope(
        pack,
        start,
        end,
        {
            types[AISystem]: ids,
            types[Incident]: list(incidents),
            types[Risk]: [r.pk for r in risks.risks],
            types[Supplier]: list(suppliers.sections),
            types[VendorChangeNotice]: [n.pk for n in suppliers.notices],
            types[SupplierReview]: [r.pk for r in suppliers.reviews],
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
    return capas


def _evidence(types, systems, sections, inventory: Inventory, risks: Risks, incidents: dict,
              capas: list, suppliers: "Suppliers", ms) -> tuple[list, list]:  # fmt: skip
    """The evidence on every record in the pack (current and superseded versions), each
    current item also filed under its system, supplier or control statement."""
    targets: dict[tuple[int, int], tuple[str, Any]] = {}
    statements = [row.statement_or_none for row in ms.catalogue_rows if row.statement_or_none]
    policy_versions = [p.published for p in ms.policies if p.published]
    for model, rows, owner_of in (
        (AISystem, systems, lambda r: ("system", r.pk)),
        (ValidationRecord, inventory.validations, lambda r: ("system", r.system_id)),
        (Risk, risks.risks, lambda r: ("system", r.system_id)),
        (RiskAssessment, risks.risk_assessments, lambda r: ("system", r.system_id)),
        (ImpactAssessment, risks.impact_assessments, lambda r: ("system", r.system_id)),
        (Incident, [i[0] for i in incidents.values()], lambda r: ("system", r.system_id)),
        (CorrectiveAction, capas, lambda r: (None, None)),
        (Supplier, [sec.supplier for sec in suppliers.sections.values()],
         lambda r: ("supplier", r.pk)),
        (SupplierReview, suppliers.reviews, lambda r: ("supplier", r.supplier_id)),
        (ReviewAnswer, suppliers.answers, lambda r: ("supplier", r.supplier_id)),
        (VendorChangeNotice, suppliers.notices, lambda r: ("supplier", r.supplier_id)),
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
        elif kind == "supplier" and owner_id in suppliers.sections:
            suppliers.sections[owner_id].evidence.append(item)
        elif kind == "statement" and owner_id in row_of_statement:
            row_of_statement[owner_id].evidence_items.append(item)
    for item in superseded:
        item.target_label = targets[(item.target_type_id, item.target_id)][0]
    return evidence, superseded


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
        .select_related("incident__owner", "incident__system", "incident__aware_at_corrected_by")
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
    if narrowed_ids(pack) is not None:
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
    if narrowed_ids(pack) is not None:
        impacts = impacts.filter(system_type=types[AISystem], system_id__in=ids)
    for impact in impacts.select_related("assessed_by").order_by("notice_id", "system_id", "id"):
        by_id[impact.notice_id].impacts_in_pack.append(impact)
    reviews = [r for sec in sections.values() for r in sec.reviews]
    answers = [a for r in reviews for a in r.answers_in_pack]
    return Suppliers(sections, notices, reviews, answers)


@dataclass
class Suppliers:
    sections: dict
    notices: list
    reviews: list
    answers: list


def _corrective_actions_in_scope(pack, start, end, sources: dict) -> list:
    """Every CAPA of the whole AIMS (in the period, for a period pack), or for one system those
    whose source is one of its records (or a supplier record it depends on) or a finding or
    management review in the pack.

    The source is named from its type and id (references derive from the id), so no source
    table is read again; only a source type without references is looked up, once per type.
    """
    capas = CorrectiveAction.objects.all()
    if narrowed_ids(pack) is not None:
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
