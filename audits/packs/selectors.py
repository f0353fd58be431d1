from django.db.models import QuerySet

from ..models import EvidencePack


def evidence_pack_list(*, user) -> QuerySet[EvidencePack]:
    """Packs are for the roles that may request them (auditors, officers), who see them all,
    and for a certification body's auditor, who sees the packs made for their audits
    (EvidencePack.visibility_rule); nobody else sees any."""
    return EvidencePack.objects.restrict(user, "view").select_related(
        "requested_by", "system", "external_audit"
    )


def evidence_pack_get(*, user, pk: int) -> EvidencePack:
    return evidence_pack_list(user=user).get(pk=pk)
