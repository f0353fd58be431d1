"""Gathering and rendering an evidence pack.

Data is read with one query per table for the whole scope, then grouped in Python. Long
tables are cut into chunks (WeasyPrint's layout time grows faster than linearly with the rows
of one table), so build time stays proportional to the content.
"""

import csv
import hashlib
import io
import json
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, OuterRef, Q, Subquery
from django.template.loader import render_to_string
from django.utils import timezone

from aims.models import CorrectiveAction, Evidence
from incidents.models import Incident, Metric, Observation
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
    Supplier,
    SupplierReview,
    VendorChangeImpact,
    VendorChangeNotice,
)

from .audit_trail import verify_chain
from .models import ChainHead, EvidencePack

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


@dataclass
class SupplierSection:
    supplier: Supplier
    reviews: list = field(default_factory=list)
    notices: list = field(default_factory=list)
    evidence: list = field(default_factory=list)


# Records whose evidence files go into the pack, besides the systems and validations.
EVIDENCE_TARGETS = (
    Risk,
    RiskAssessment,
    ImpactAssessment,
    Incident,
    CorrectiveAction,
    Supplier,
    SupplierReview,
    VendorChangeNotice,
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
    systems = AISystem.objects.select_related("owner")
    if pack.scope == EvidencePack.Scope.SYSTEM:
        systems = systems.filter(pk=pack.system_id)
    return systems.order_by("id")


def gather(pack: EvidencePack, progress: Progress) -> dict[str, Any]:
    """Everything the pack shows, one query per table whatever the size of the scope.

    Records are read for the systems in scope; in a period pack, records of events (approvals,
    validations, changes, risks, assessments, incidents, corrective actions, supplier reviews
    and vendor changes) are those created in the period, while standing facts (components,
    datasets, classification and tier, monitoring, suppliers) are shown as they are today.
    """
    start, end = _period(pack)
    types = ContentType.objects.get_for_models(AISystem, ValidationRecord, *EVIDENCE_TARGETS)
    systems = list(scope_systems(pack))
    ids = [s.pk for s in systems]
    sections = {s.pk: SystemSection(s) for s in systems}
    progress(10, "Reading the inventory")

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
    capas = _corrective_actions_in_scope(
        pack,
        start,
        end,
        types,
        {
            AISystem: ids,
            Incident: list(incidents),
            Risk: [r.pk for r in risks],
            Supplier: list(supplier_sections),
            VendorChangeNotice: [n.pk for n in notices],
            SupplierReview: [r.pk for sec in supplier_sections.values() for r in sec.reviews],
        },
    )
    for capa in capas:
        if capa.source_type_id == types[Incident].pk:
            for incident in incidents.get(capa.source_id, []):
                incident.capas.append(capa)
    progress(25, "Reading evidence")
    targets: dict[tuple[int, int], tuple[str, Any]] = {}
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
        (SupplierReview, [r for sec in supplier_sections.values() for r in sec.reviews],
         lambda r: ("supplier", r.supplier_id)),
        (VendorChangeNotice, notices, lambda r: ("supplier", r.supplier_id)),
    ):  # fmt: skip
        for row in rows:
            targets[(types[model].pk, row.pk)] = (getattr(row, "reference", ""), owner_of(row))
    evidence = _evidence_for(targets)
    for item in evidence:
        label, (kind, owner_id) = targets[(item.target_type_id, item.target_id)]
        item.target_label = label
        if kind == "system" and owner_id in sections:
            sections[owner_id].evidence.append(item)
        elif kind == "supplier" and owner_id in supplier_sections:
            supplier_sections[owner_id].evidence.append(item)
    progress(35, "Reading the audit trail")
    trail = _trail_excerpt(
        ids,
        [r.pk for r in risks],
        list(supplier_sections),
        [c.pk for c in capas],
        start,
        end,
        types[AISystem],
    )
    chain = verify_chain()
    head = ChainHead.objects.filter(pk=1).first()
    return {
        "pack": pack,
        "systems": systems,
        "system_chunks": chunks(systems),
        "sections": [sections[i] for i in ids],
        "approval_count": len(approvals),
        "risk_count": len(risks),
        "incident_count": len(incidents),
        "supplier_sections": list(supplier_sections.values()),
        "capa_chunks": chunks(capas),
        "capa_count": len(capas),
        "evidence": evidence,
        "trail_chunks": chunks(trail),
        "trail_count": len(trail),
        "trail_limited": len(trail) >= TRAIL_EXCERPT_LIMIT,
        "trail_since": start or timezone.now() - timedelta(days=DEFAULT_TRAIL_DAYS),
        "chain": chain,
        "chain_head": head,
        "generated_at": timezone.now(),
    }


def _incidents_in_scope(ids: list[int], sections: dict, start, end) -> dict[int, list]:
    """Incidents affecting the systems in scope, under each affected system (an incident on
    two systems is shown under both). Returns {incident id: [its copies]}."""
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
        incident.capas = []
        sections[link.aisystem_id].incidents.append(incident)
        incidents.setdefault(incident.pk, []).append(incident)
    return incidents


def _suppliers_in_scope(pack, ids, components, start, end, types):
    """Suppliers (all of them, or those a system in scope depends on), with their completed
    reviews and vendor change notices and, for those, the impacts on systems in scope."""
    suppliers = Supplier.objects.select_related("owner").order_by("name", "id")
    if pack.scope == EvidencePack.Scope.SYSTEM:
        suppliers = suppliers.filter(pk__in={c.supplier_id for c in components if c.supplier_id})
    sections = {s.pk: SupplierSection(s) for s in suppliers}
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
        sections[review.supplier_id].reviews.append(review)
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


def _corrective_actions_in_scope(pack, start, end, types, sources: dict) -> list:
    """Every CAPA of the whole AIMS (in the period, for a period pack), or for one system those
    whose source is one of its records (or a supplier record it depends on)."""
    capas = CorrectiveAction.objects.all()
    if pack.scope == EvidencePack.Scope.SYSTEM:
        condition = Q(pk__in=[])
        for model, source_ids in sources.items():
            condition |= Q(source_type=types[model], source_id__in=source_ids)
        capas = capas.filter(condition)
    capas = list(
        _in_period(capas, "created_at", start, end)
        .select_related("owner", "verified_by", "source_type")
        .prefetch_related("source")  # one query per kind of source
        .order_by("created_at", "id")
    )
    for capa in capas:
        source = capa.source
        reference = getattr(source, "reference", None) or str(source or "deleted record")
        capa.source_label = f"{capa.source_type.name.capitalize()} {reference}"
    return capas


def _evidence_for(targets: dict[tuple[int, int], tuple]) -> list[Evidence]:
    by_type: dict[int, list[int]] = {}
    for type_id, target_id in targets:
        by_type.setdefault(type_id, []).append(target_id)
    condition = Q(pk__in=[])
    for type_id, target_ids in by_type.items():
        condition |= Q(target_type_id=type_id, target_id__in=target_ids)
    return list(
        Evidence.objects.filter(condition).select_related("owner", "target_type").order_by("id")
    )


def _trail_excerpt(
    system_ids, risk_ids, supplier_ids, capa_ids, start, end, system_type
) -> list[dict[str, Any]]:
    since = start or timezone.now() - timedelta(days=DEFAULT_TRAIL_DAYS)
    querysets = (
        [AISystem.history.filter(id__in=system_ids)]
        + [
            model.history.filter(system_id__in=system_ids)
            for model in (
                Component,
                Dataset,
                Approval,
                ValidationRecord,
                ChangeRequest,
                Classification,
                TierDecision,
                RiskAssessment,
                Risk,
                ImpactAssessment,
                Incident,
                Metric,
            )
        ]
        + [
            TreatmentAction.history.filter(risk_id__in=risk_ids),
            VendorChangeImpact.history.filter(system_type=system_type, system_id__in=system_ids),
        ]
        + [Supplier.history.filter(id__in=supplier_ids)]
        + [
            model.history.filter(supplier_id__in=supplier_ids)
            for model in (SupplierReview, VendorChangeNotice)
        ]
        + [CorrectiveAction.history.filter(id__in=capa_ids)]
    )
    rows = []
    for queryset in querysets:
        queryset = queryset.filter(history_date__gte=since)
        if end is not None:
            queryset = queryset.filter(history_date__lt=end)
        label = queryset.model.instance_type._meta.verbose_name
        prefix = getattr(queryset.model.instance_type, "REFERENCE_PREFIX", "")
        for row in queryset.select_related("history_user").order_by("-history_date")[
            :TRAIL_EXCERPT_LIMIT
        ]:
            if prefix:
                record = f"{prefix}-{row.id:04d}"
            elif getattr(row, "system_id", None):  # a record of one system: name the system
                record = f"{AISystem.REFERENCE_PREFIX}-{row.system_id:04d}"
            elif getattr(row, "risk_id", None):  # a treatment action: name its risk
                record = f"{Risk.REFERENCE_PREFIX}-{row.risk_id:04d}"
            else:
                record = str(row.id)
            rows.append(
                {
                    "when": row.history_date,
                    "who": row.history_user.username if row.history_user else "system",
                    "record": record,
                    "kind": label,
                    "type": {"+": "Created", "~": "Changed", "-": "Deleted"}[row.history_type],
                    "reason": row.history_change_reason or "",
                }
            )
    rows.sort(key=lambda r: r["when"], reverse=True)
    return rows[:TRAIL_EXCERPT_LIMIT]


def render_pdf(context: dict[str, Any]) -> tuple[bytes, int]:
    """HTML to PDF with WeasyPrint; returns the bytes and the page count."""
    from weasyprint import HTML

    html = render_to_string("audits/pdf/evidence_pack.html", context)
    document = HTML(string=html, base_url=str(settings.BASE_DIR)).render()
    return document.write_pdf(), len(document.pages)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def build_zip(pack: EvidencePack, pdf: bytes, evidence: Iterable[Evidence]) -> bytes:
    """The PDF, every evidence file in scope and a manifest (JSON and CSV) of their hashes."""
    buffer = io.BytesIO()
    manifest = [{"path": f"{pack.reference}.pdf", "sha256": sha256(pdf), "bytes": len(pdf),
                 "kind": "evidence pack", "reference": pack.reference}]  # fmt: skip
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(manifest[0]["path"], pdf)
        for item in evidence:
            if item.kind == Evidence.Kind.LINK:
                manifest.append({"path": "", "sha256": "", "bytes": 0, "kind": "link",
                                 "reference": item.reference, "url": item.url,
                                 "attached_to": _attached_to(item)})  # fmt: skip
                continue
            with item.file.open("rb") as handle:
                content = handle.read()
            path = f"evidence/{item.reference}-{item.original_filename}"
            archive.writestr(path, content)
            manifest.append({"path": path, "sha256": sha256(content), "bytes": len(content),
                             "kind": "evidence file", "reference": item.reference,
                             "recorded_sha256": item.sha256,
                             "attached_to": _attached_to(item)})  # fmt: skip
        archive.writestr("manifest.json", json.dumps(manifest, indent=2, default=str))
        archive.writestr("manifest.csv", _manifest_csv(manifest))
    return buffer.getvalue()


def _attached_to(item: Evidence) -> str:
    """The record an evidence item proves, e.g. ``risk RSK-0012``."""
    return f"{item.target_type.name} {getattr(item, 'target_label', '') or item.target_id}"


def _manifest_csv(manifest: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    columns = ["path", "sha256", "bytes", "kind", "reference", "recorded_sha256", "url",
               "attached_to"]  # fmt: skip
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    for row in manifest:
        writer.writerow(row)
    return out.getvalue()
