from django.db.models import QuerySet

from aims.permissions import has_global_perm

from ..models import EvidencePack


def evidence_pack_list(*, user) -> QuerySet[EvidencePack]:
    """Packs are for the roles that may request them (auditors, officers), who see the whole
    AIMS; nobody else sees any."""
    if not has_global_perm(user, "audits.view_evidencepack"):
        return EvidencePack.objects.none()
    return EvidencePack.objects.select_related("requested_by", "system")


def evidence_pack_get(*, user, pk: int) -> EvidencePack:
    return evidence_pack_list(user=user).get(pk=pk)
