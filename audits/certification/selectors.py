"""Permission-restricted reads of certification bodies, external audits and certificates, and
the readiness check shown ahead of each external audit (:func:`audit_readiness`).

These records are read by role (officers, approvers, internal auditors): whoever holds the
view permission sees them all; anyone else sees none, and a record asked for by id is a 404.
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from aims.models import parse_reference

from ..models import Finding, InternalAudit, ManagementReview
from .models import Certificate, CertificationBody, ExternalAudit, ExternalFinding

OPEN_EXTERNAL = (ExternalFinding.Status.OPEN, ExternalFinding.Status.RESPONDED)
STALE_AFTER_MONTHS = 12
TOP_GAPS = 5


def _search(qs: QuerySet, prefix: str, text: str, *fields: str) -> QuerySet:
    text = (text or "").strip()
    if not text:
        return qs
    pk = parse_reference(prefix, text)
    if pk:
        return qs.filter(pk=pk)
    query = Q()
    for name in fields:
        query |= Q(**{f"{name}__icontains": text})
    return qs.filter(query)


# --- Bodies ---------------------------------------------------------------------------------


def body_list(*, user: AbstractBaseUser, filters: dict[str, Any] | None = None) -> QuerySet:
    filters = filters or {}
    qs = CertificationBody.objects.restrict(user).annotate(
        audit_count=Count("audits", distinct=True),
        certificate_count=Count("certificates", distinct=True),
    )
    qs = _search(qs, CertificationBody.REFERENCE_PREFIX, filters.get("q", ""), "name")
    return qs.order_by("name", "id")


def body_get(*, user: AbstractBaseUser, pk: int) -> CertificationBody:
    return CertificationBody.objects.restrict(user).get(pk=pk)


# --- External audits ------------------------------------------------------------------------

#: The register's sortable columns (URL key -> model field).
AUDIT_SORTABLE = {
    "reference": "id",
    "title": "title",
    "kind": "kind",
    "body": "body__name",
    "start": "start_date",
    "status": "status",
}


def audit_list(
    *, user: AbstractBaseUser, filters: dict[str, Any] | None = None
) -> QuerySet[ExternalAudit]:
    """The external audits ``user`` sees, filtered by q (reference, title or scope), kind,
    status, body, certificate and year (of the start date)."""
    filters = filters or {}
    qs = (
        ExternalAudit.objects.restrict(user)
        .select_related("body", "certificate")
        .annotate(
            open_findings=Count(
                "findings", filter=Q(findings__status__in=OPEN_EXTERNAL), distinct=True
            )
        )
    )
    qs = _search(qs, ExternalAudit.REFERENCE_PREFIX, filters.get("q", ""), "title", "scope")
    for key in ("kind", "status", "body", "certificate"):
        if filters.get(key):
            qs = qs.filter(**{key: filters[key]})
    if filters.get("year"):
        qs = qs.filter(start_date__year=filters["year"])
    return qs.order_by("-start_date", "-id")


def audit_get(*, user: AbstractBaseUser, pk: int) -> ExternalAudit:
    return (
        ExternalAudit.objects.restrict(user)
        .select_related("body", "certificate", "created_by")
        .prefetch_related("sampled_systems")
        .get(pk=pk)
    )


def audit_years() -> list[int]:
    return sorted({d.year for d in ExternalAudit.objects.dates("start_date", "year")}, reverse=True)


def next_audit(*, user: AbstractBaseUser, certificate: Certificate | None = None):
    """The next planned or running external audit (of ``certificate`` when given)."""
    qs = audit_list(user=user).filter(
        status__in=(ExternalAudit.Status.PLANNED, ExternalAudit.Status.IN_PROGRESS)
    )
    if certificate is not None:
        qs = qs.filter(certificate=certificate)
    return qs.order_by("start_date", "id").first()


# --- Certificates ---------------------------------------------------------------------------


def certificate_list(
    *, user: AbstractBaseUser, filters: dict[str, Any] | None = None
) -> QuerySet[Certificate]:
    filters = filters or {}
    qs = Certificate.objects.restrict(user).select_related("body", "issuing_audit")
    qs = _search(qs, Certificate.REFERENCE_PREFIX, filters.get("q", ""), "number", "scope")
    for key in ("status", "body"):
        if filters.get(key):
            qs = qs.filter(**{key: filters[key]})
    return qs.order_by("-issued_on", "-id")


def certificate_get(*, user: AbstractBaseUser, pk: int) -> Certificate:
    return Certificate.objects.restrict(user).select_related("body", "issuing_audit").get(pk=pk)


def current_certificate(*, user: AbstractBaseUser, today: date | None = None):
    """The certificate in force (active or suspended, not expired), latest issued first."""
    today = today or timezone.localdate()
    return (
        certificate_list(user=user)
        .filter(
            status__in=(Certificate.Status.ACTIVE, Certificate.Status.SUSPENDED),
            expires_on__gte=today,
        )
        .order_by("-issued_on", "-id")
        .first()
    )


def issuable_audits(*, user: AbstractBaseUser) -> QuerySet[ExternalAudit]:
    """Audits a certificate may be recorded from (the rule is in services)."""
    from .services import ISSUING_KINDS, ISSUING_OUTCOMES

    return (
        ExternalAudit.objects.restrict(user)
        .select_related("body")
        .filter(
            kind__in=ISSUING_KINDS,
            status=ExternalAudit.Status.COMPLETED,
            outcome__in=ISSUING_OUTCOMES,
        )
        .exclude(
            pk__in=Certificate.objects.filter(issuing_audit__isnull=False).values("issuing_audit")
        )
        .order_by("-end_date", "-id")
    )


# --- Readiness ahead of an external audit ---------------------------------------------------


@dataclass(frozen=True)
class DatedCheck:
    """The last date something was done, and a warning when it is missing or stale."""

    label: str
    last: date | None
    warning: str


@dataclass(frozen=True)
class AuditReadiness:
    """What to look at before the body arrives: the readiness gaps, the findings still open,
    and whether the last internal audit and management review are recent enough."""

    audit: ExternalAudit
    as_of: date  # the audit's first day (or today, if that has passed)
    gap_count: int
    top_gaps: list = field(default_factory=list)  # audits.soa.gaps.Gap
    open_external_findings: int = 0
    overdue_external_findings: int = 0
    open_internal_findings: int = 0
    last_internal_audit: DatedCheck | None = None
    last_management_review: DatedCheck | None = None

    @property
    def warnings(self) -> list[str]:
        found = []
        if self.gap_count:
            found.append(f"{self.gap_count} readiness gap{'s' if self.gap_count != 1 else ''}.")
        if self.open_external_findings:
            found.append(
                f"{self.open_external_findings} external finding"
                f"{'s' if self.open_external_findings != 1 else ''} still open."
            )
        for check in (self.last_internal_audit, self.last_management_review):
            if check is not None and check.warning:
                found.append(check.warning)
        return found

    @property
    def ready(self) -> bool:
        return not self.warnings


def _dated(label: str, last: date | None, as_of: date) -> DatedCheck:
    from .services import add_months

    if last is None:
        return DatedCheck(label, None, f"No {label} is recorded.")
    if last < add_months(as_of, -STALE_AFTER_MONTHS):
        return DatedCheck(
            label,
            last,
            f"The last {label} ({last:%d %b %Y}) is more than {STALE_AFTER_MONTHS} months "
            "old by the audit.",
        )
    return DatedCheck(label, last, "")


def audit_readiness(
    audit: ExternalAudit, *, user: AbstractBaseUser, today: date | None = None
) -> AuditReadiness:
    """The readiness check of ``audit``, as ``user`` may see it. The gaps are the SoA's gap
    list (audits.soa.gaps: the one gap rule); "stale" is measured at the audit's first day."""
    from ..soa.gaps import gap_summary

    today = today or timezone.localdate()
    as_of = max(audit.start_date, today)
    gaps = gap_summary(user=user, top=TOP_GAPS, today=today)
    external = ExternalFinding.objects.restrict(user).filter(status__in=OPEN_EXTERNAL)
    internal = Finding.objects.restrict(user).filter(status=Finding.Status.OPEN)
    last_audit = (
        InternalAudit.objects.restrict(user)
        .filter(status=InternalAudit.Status.CLOSED)
        .aggregate(last=Max("closed_at"))["last"]
    )
    last_review = (
        ManagementReview.objects.restrict(user)
        .filter(status__in=(ManagementReview.Status.HELD, ManagementReview.Status.CLOSED))
        .aggregate(last=Max("meeting_date"))["last"]
    )
    if last_audit is not None:
        last_audit = timezone.localdate(last_audit)
    return AuditReadiness(
        audit=audit,
        as_of=as_of,
        gap_count=gaps.total,
        top_gaps=gaps.top,
        open_external_findings=external.count(),
        overdue_external_findings=external.filter(ExternalFinding.overdue_q(today)).count(),
        open_internal_findings=internal.count(),
        last_internal_audit=_dated("internal audit", last_audit, as_of),
        last_management_review=_dated("management review", last_review, as_of),
    )
