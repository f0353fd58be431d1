"""Reads of auditor accesses and of the certification auditor's own audits."""

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from inventory.models import AISystem

from .access import current_audit_ids
from .models import AuditorAccess, ExternalAudit


def access_list(*, user, audit: ExternalAudit | None = None) -> QuerySet[AuditorAccess]:
    """The accesses ``user`` may see (officers, the committee and internal auditors), of one
    audit or of all."""
    qs = AuditorAccess.objects.restrict(user, "view").select_related(
        "audit", "user", "granted_by", "revoked_by"
    )
    if audit is not None:
        qs = qs.filter(audit=audit)
    return qs


def access_get(*, user, pk: int) -> AuditorAccess:
    return access_list(user=user).get(pk=pk)


def audit_for_access(*, user, pk: int) -> ExternalAudit:
    """The audit whose accesses are managed (404 when out of reach)."""
    return ExternalAudit.objects.restrict(user, "view").select_related("body").get(pk=pk)


def my_audits(*, user) -> QuerySet[ExternalAudit]:
    """The audits a certification auditor holds a current access to, with what their page
    shows: the body, the pack, the sampled systems they may see."""
    systems = AISystem.objects.restrict(user, "view").order_by("id")
    return (
        ExternalAudit.objects.restrict(user, "view")
        .filter(pk__in=current_audit_ids(user))
        .select_related("body", "evidence_pack")
        .prefetch_related(
            Prefetch("sampled_systems", queryset=systems, to_attr="systems_in_scope"),
            Prefetch(
                "accesses",
                queryset=AuditorAccess.objects.filter(
                    AuditorAccess.current_q(timezone.localdate()), user=user
                ),
                to_attr="my_accesses",
            ),
        )
    )
