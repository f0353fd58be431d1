"""Gathering the management-system part of an evidence pack: scope, AI policy, objectives,
training, the Statement of Applicability, internal audits with their findings, and management
reviews with their actions.

One query per table whatever the size of the AIMS, like the rest of :mod:`audits.packs.gather`.
These are records of the management system as a whole, so a pack about one AI system still
shows them (internal audits are narrowed to those covering that system or the whole AIMS); a
period pack shows the standing records (scope, policy, objectives, training, SoA) as they are
today and the audits and reviews created, changed or held in the period.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from aims.models import AIMSScope, Course, Objective, Policy, PolicyVersion

from ..models import (
    CatalogueItem,
    ChecklistItem,
    EvidencePack,
    Finding,
    InternalAudit,
    ManagementReview,
    ReviewAction,
    SoAVersion,
)

RESULTS = ChecklistItem.Result


@dataclass
class ManagementSystem:
    """The management-system records of a pack, ready for the templates."""

    scope: AIMSScope | None = None
    policies: list = field(default_factory=list)  # each with .published (a version) or None
    objectives: list = field(default_factory=list)
    courses: list = field(default_factory=list)
    clause_rows: list = field(default_factory=list)  # CatalogueItem (clauses 4-10, headings)
    soa_rows: list = field(default_factory=list)  # CatalogueItem (controls and headings)
    soa_version: SoAVersion | None = None
    audits: list = field(default_factory=list)  # each with .findings_in_pack
    findings: list = field(default_factory=list)  # each with .capas and .control_codes
    reviews: list = field(default_factory=list)  # each with .actions_in_pack, .attendee_names

    @property
    def clause_requirements(self) -> list:
        return [row for row in self.clause_rows if not row.is_heading]

    @property
    def clauses_without_statement(self) -> int:
        return sum(1 for row in self.clause_requirements if row.statement_or_none is None)

    @property
    def catalogue_rows(self) -> list:
        """Every catalogue row of the pack: clause requirements, then Annex A controls."""
        return self.clause_rows + self.soa_rows

    @property
    def soa_controls(self) -> list:
        return [row for row in self.soa_rows if not row.is_heading]

    @property
    def soa_applicable(self) -> int:
        return sum(1 for row in self.soa_controls if row.statement_or_none and
                   row.statement_or_none.applicable)  # fmt: skip

    @property
    def soa_without_statement(self) -> int:
        return sum(1 for row in self.soa_controls if row.statement_or_none is None)


def _changed_in(start: datetime, end: datetime, prefix: str = "") -> Q:
    """Created or changed in the period."""
    return Q(**{f"{prefix}created_at__gte": start, f"{prefix}created_at__lt": end}) | Q(
        **{f"{prefix}updated_at__gte": start, f"{prefix}updated_at__lt": end}
    )


def gather_management(pack: EvidencePack, start, end) -> ManagementSystem:
    ms = ManagementSystem()
    ms.scope = AIMSScope.objects.select_related("owner", "approved_by").order_by("-id").first()
    ms.policies = _policies()
    ms.objectives = list(Objective.objects.select_related("owner").order_by("due_date", "id"))
    ms.courses = _training()
    ms.clause_rows, ms.soa_rows = _catalogue_rows()
    ms.soa_version = SoAVersion.objects.select_related("approved_by").order_by("-number").first()
    ms.audits, ms.findings = _audits(pack, start, end)
    ms.reviews = _reviews(start, end)
    return ms


def _policies() -> list[Policy]:
    """Every policy with its published version (text, approver, acknowledgements)."""
    policies = list(Policy.objects.select_related("owner").order_by("title", "id"))
    by_id = {p.pk: p for p in policies}
    for policy in policies:
        policy.published = None
    for version in (
        PolicyVersion.objects.filter(status=PolicyVersion.Status.PUBLISHED)
        .select_related("approved_by", "drafted_by")
        .annotate(ack_count=Count("acknowledgements"))
        .order_by("policy_id", "-number")
    ):
        policy = by_id.get(version.policy_id)
        if policy is not None and policy.published is None:
            policy.published = version
    return policies


def _training() -> list[Course]:
    """Per course: completions, people trained and completions still in date."""
    today = timezone.localdate()
    in_date = Q(records__expires_on__isnull=True) | Q(records__expires_on__gte=today)
    return list(
        Course.objects.annotate(
            completions=Count("records"),
            people=Count("records__user", distinct=True),
            in_date=Count("records", filter=in_date),
        ).order_by("-is_ai_literacy", "title", "id")
    )


def _catalogue_rows() -> tuple[list[CatalogueItem], list[CatalogueItem]]:
    """The clause requirements (4-10) and Annex A, item by item, each with the organisation's
    statement (or none yet): one query for both, split by kind. ``evidence_items`` is filled
    by the evidence gathering of :func:`audits.packs.gather.gather`."""
    rows = list(
        CatalogueItem.objects.select_related("statement", "statement__owner").order_by(
            "sort_key", "id"
        )
    )
    clauses, controls = [], []
    for row in rows:
        try:
            row.statement_or_none = row.statement
        except CatalogueItem.statement.RelatedObjectDoesNotExist:
            row.statement_or_none = None
        row.evidence_items = []
        (clauses if row.kind == CatalogueItem.Kind.CLAUSE else controls).append(row)
    return clauses, controls


def _audits(pack: EvidencePack, start, end) -> tuple[list, list]:
    counts = {
        f"count_{value}": Count("checklist", filter=Q(checklist__result=value))
        for value in RESULTS.values
    }
    audits = InternalAudit.objects.select_related("lead_auditor", "programme").annotate(**counts)
    from .gather import narrowed_ids

    systems = narrowed_ids(pack)
    if systems is not None:
        through = InternalAudit.systems.through.objects
        audits = audits.filter(
            Exists(through.filter(internalaudit_id=OuterRef("pk"), aisystem_id__in=systems))
            | ~Exists(through.filter(internalaudit_id=OuterRef("pk")))
        )
    if start is not None:
        overlaps = Q(planned_start__lt=end.date(), planned_end__gte=start.date())
        findings = Finding.objects.filter(_changed_in(start, end), audit_id=OuterRef("pk"))
        audits = audits.filter(_changed_in(start, end) | overlaps | Exists(findings))
    audits = list(audits.order_by("-planned_start", "-id"))
    by_id = {}
    for audit in audits:
        audit.findings_in_pack = []
        audit.results = [(label, getattr(audit, f"count_{value}"))
                         for value, label in RESULTS.choices]  # fmt: skip
        audit.checklist_total = sum(count for _, count in audit.results)
        audit.result_summary = "; ".join(f"{label} {n}" for label, n in audit.results if n)
        by_id[audit.pk] = audit
    findings = list(
        Finding.objects.filter(audit_id__in=list(by_id))
        .select_related("raised_by")
        .order_by("audit_id", "created_at", "id")
    )
    codes: dict[int, list[str]] = {}
    for link in (
        Finding.controls.through.objects.filter(finding_id__in=[f.pk for f in findings])
        .select_related("catalogueitem")
        .order_by("catalogueitem__sort_key")
    ):
        codes.setdefault(link.finding_id, []).append(link.catalogueitem.code)
    for finding in findings:
        finding.capas = []
        finding.control_codes = codes.get(finding.pk, [])
        finding.audit_reference = by_id[finding.audit_id].reference
        by_id[finding.audit_id].findings_in_pack.append(finding)
    return audits, findings


def _reviews(start, end) -> list[ManagementReview]:
    reviews = ManagementReview.objects.select_related("chair")
    if start is not None:
        held = Q(meeting_date__gte=start.date(), meeting_date__lt=end.date())
        reviews = reviews.filter(_changed_in(start, end) | held)
    reviews = list(reviews.order_by("-meeting_date", "-id"))
    by_id = {}
    for review in reviews:
        review.actions_in_pack, review.attendee_names = [], []
        review.input_lines = review_inputs(review)
        by_id[review.pk] = review
    for action in (
        ReviewAction.objects.filter(review_id__in=list(by_id))
        .select_related("owner")
        .order_by("review_id", "due_date", "id")
    ):
        by_id[action.review_id].actions_in_pack.append(action)
    for link in (
        ManagementReview.attendees.through.objects.filter(managementreview_id__in=list(by_id))
        .select_related("user")
        .order_by("user__username")
    ):
        by_id[link.managementreview_id].attendee_names.append(
            link.user.get_full_name() or link.user.username
        )
    return reviews


def review_inputs(review: ManagementReview) -> list[tuple[str, Any]]:
    """The gathered inputs of a review as (label, value) lines, whatever their shape."""
    inputs = review.inputs or {}
    if not isinstance(inputs, dict):
        return [("Inputs", inputs)]
    lines = []
    for key, value in inputs.items():
        if key == "trend" and isinstance(value, dict):
            lines += _trend_lines(value)
            continue
        label = str(key).replace("_", " ").capitalize()
        if isinstance(value, dict):
            value = "; ".join(f"{str(k).replace('_', ' ')}: {v}" for k, v in value.items())
        elif isinstance(value, list):
            value = "; ".join(str(v) for v in value)
        lines.append((label, value))
    return lines


def _trend_lines(trend: dict) -> list[tuple[str, Any]]:
    """The stored comparison with the previous review, one line per headline figure, the
    change said in words (the PDF has no colour to rely on)."""
    earlier = trend.get("previous_review") or {}
    lines = []
    for row in trend.get("rows", []):
        if not isinstance(row, dict):
            continue
        now, before, delta = row.get("value"), row.get("previous"), row.get("delta")
        if before is None:
            change = "no earlier figure"
        else:
            word = "up" if delta and delta > 0 else "down" if delta else "no change"
            change = f"{word} {abs(delta)}" if delta else word
            change += f" from {before} at {earlier.get('reference', 'the previous review')}"
        lines.append((f"Trend: {row.get('label', '')}", f"{now} ({change})"))
    return lines
