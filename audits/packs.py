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
from django.template.loader import render_to_string
from django.utils import timezone

from aims.models import Evidence
from inventory.models import (
    AISystem,
    Approval,
    ChangeRequest,
    Component,
    Dataset,
    ValidationRecord,
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
    """Everything the pack shows, one query per table whatever the size of the scope."""
    start, end = _period(pack)
    systems = list(scope_systems(pack))
    ids = [s.pk for s in systems]
    sections = {s.pk: SystemSection(s) for s in systems}
    progress(10, "Reading the inventory")

    def attach(queryset, attr: str) -> list:
        rows = list(queryset)
        for row in rows:
            getattr(sections[row.system_id], attr).append(row)
        return rows

    attach(Component.objects.filter(system_id__in=ids).order_by("system_id", "name"), "components")
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
    progress(25, "Reading evidence")
    evidence = _evidence_in_scope(ids, validations)
    for item in evidence:
        system_id = item.target_id if item.target_type.model == "aisystem" else None
        if system_id is None:
            system_id = next((v.system_id for v in validations if v.pk == item.target_id), None)
        if system_id in sections:
            sections[system_id].evidence.append(item)
    progress(35, "Reading the audit trail")
    trail = _trail_excerpt(ids, start, end)
    chain = verify_chain()
    head = ChainHead.objects.filter(pk=1).first()
    return {
        "pack": pack,
        "systems": systems,
        "system_chunks": chunks(systems),
        "sections": [sections[i] for i in ids],
        "approval_count": len(approvals),
        "evidence": evidence,
        "trail_chunks": chunks(trail),
        "trail_count": len(trail),
        "trail_limited": len(trail) >= TRAIL_EXCERPT_LIMIT,
        "trail_since": start or timezone.now() - timedelta(days=DEFAULT_TRAIL_DAYS),
        "chain": chain,
        "chain_head": head,
        "generated_at": timezone.now(),
    }


def _evidence_in_scope(system_ids: list[int], validations: list) -> list[Evidence]:
    system_type = ContentType.objects.get_for_model(AISystem)
    validation_type = ContentType.objects.get_for_model(ValidationRecord)
    from django.db.models import Q

    return list(
        Evidence.objects.filter(
            Q(target_type=system_type, target_id__in=system_ids)
            | Q(target_type=validation_type, target_id__in=[v.pk for v in validations])
        )
        .select_related("owner", "target_type")
        .order_by("id")
    )


def _trail_excerpt(system_ids: list[int], start, end) -> list[dict[str, Any]]:
    since = start or timezone.now() - timedelta(days=DEFAULT_TRAIL_DAYS)
    querysets = [AISystem.history.filter(id__in=system_ids)] + [
        model.history.filter(system_id__in=system_ids)
        for model in (Component, Dataset, Approval, ValidationRecord, ChangeRequest)
    ]
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
            rows.append(
                {
                    "when": row.history_date,
                    "who": row.history_user.username if row.history_user else "system",
                    "record": f"{prefix}-{row.id:04d}" if prefix else str(row.id),
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
                                 "reference": item.reference, "url": item.url})  # fmt: skip
                continue
            with item.file.open("rb") as handle:
                content = handle.read()
            path = f"evidence/{item.reference}-{item.original_filename}"
            archive.writestr(path, content)
            manifest.append({"path": path, "sha256": sha256(content), "bytes": len(content),
                             "kind": "evidence file", "reference": item.reference,
                             "recorded_sha256": item.sha256})  # fmt: skip
        archive.writestr("manifest.json", json.dumps(manifest, indent=2, default=str))
        archive.writestr("manifest.csv", _manifest_csv(manifest))
    return buffer.getvalue()


def _manifest_csv(manifest: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    columns = ["path", "sha256", "bytes", "kind", "reference", "recorded_sha256", "url"]
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    for row in manifest:
        writer.writerow(row)
    return out.getvalue()
