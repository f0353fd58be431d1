"""Role-matrix cases of the audits app: the audit-trail verifier and evidence packs.

Packs are for auditors and governance officers, who see the whole AIMS; every other role is
refused (HTML 403 on the pages, API 403 on writes, an empty list and 404 on reads)."""

from audits.models import EvidencePack, TrailAdoption, TrailCheckpoint
from audits.packs import services
from audits.trail.chain import adopt_unsealed
from audits.trail.checkpoints import create_checkpoint

from ..factories import write_unsealed_history
from .framework import Case, expect

# fmt: off
#                                anonymous nobody owner other_owner officer approver auditor
API_TRAIL_VERIFY        = expect("401      403    403   403         ok      403      ok")
API_TRAIL_WRITE         = expect("401      403    403   403         ok      403      403")
TRAIL_PAGE              = expect("login    403    403   403         ok      403      ok")
TRAIL_SIGN              = expect("login    403    403   403         ok      403      403")
PACK_PAGE               = expect("login    403    403   403         ok      403      ok")
PACK_RECORD             = expect("login    404    404   404         ok      404      ok")
API_PACK_LIST           = expect("401      ok     ok    ok          ok      ok       ok")
API_PACK_WRITE          = expect("401      403    403   403         ok      403      ok")
API_PACK_RECORD         = expect("401      404    404   404         ok      404      ok")
# fmt: on


def _pack(w, *, status: str = EvidencePack.Status.QUEUED) -> EvidencePack:
    pack = services.evidence_pack_request(actor=w.officer, scope=EvidencePack.Scope.WHOLE)
    EvidencePack.objects.filter(pk=pack.pk).update(status=status)
    return pack


def _ready_pack(w) -> EvidencePack:
    from django.core.files.base import ContentFile

    pack = _pack(w, status=EvidencePack.Status.READY)
    pack.refresh_from_db()
    pack.pdf.save("matrix.pdf", ContentFile(b"%PDF-1.4 matrix"), save=False)
    pack.zip.save("matrix.zip", ContentFile(b"PK matrix"), save=False)
    EvidencePack.objects.filter(pk=pack.pk).update(pdf=pack.pdf.name, zip=pack.zip.name)
    return pack


def pack_kwargs(w) -> dict:
    return {"pk": _pack(w).pk}


def failed_pack_kwargs(w) -> dict:
    w.failed_pack = _pack(w, status=EvidencePack.Status.FAILED)
    return {"pk": w.failed_pack.pk}


def ready_pack_kwargs(kind: str = ""):
    def kwargs(w) -> dict:
        return {"pk": _ready_pack(w).pk, **({"kind": kind} if kind else {})}

    return kwargs


def pack_count(w) -> int:
    return EvidencePack.objects.count()


def failed_pack_status(w) -> str:
    return EvidencePack.objects.values_list("status", flat=True).get(pk=w.failed_pack.pk)


def checkpoint_count(w) -> int:
    return TrailCheckpoint.objects.count()


def adoption_count(w) -> int:
    return TrailAdoption.objects.count()


def adoption_kwargs(w) -> dict:
    write_unsealed_history(w.officer)
    return {"pk": adopt_unsealed(actor=w.officer, reason="Loaded from the old register").pk}


def unsealed_rows(w) -> None:
    write_unsealed_history(w.officer, 2)


CASES = [
    Case("api:audit-trail-verify", "GET", API_TRAIL_VERIFY),
    Case("api:audit-trail-public-key", "GET", API_TRAIL_VERIFY),
    Case("api:audit-trail-checkpoint-list", "GET", API_TRAIL_VERIFY),
    Case("api:audit-trail-checkpoint-list", "POST", API_TRAIL_WRITE, data=lambda w: {},
         effect=checkpoint_count),
    Case("api:audit-trail-checkpoint-detail", "GET", API_TRAIL_VERIFY,
         kwargs=lambda w: {"sequence": create_checkpoint().sequence}),
    Case("api:audit-trail-adoption-list", "GET", API_TRAIL_VERIFY),
    Case("api:audit-trail-adoption-detail", "GET", API_TRAIL_VERIFY, kwargs=adoption_kwargs),
    Case("api:audit-trail-adoption-list", "POST", API_TRAIL_WRITE, setup=unsealed_rows,
         data=lambda w: {"reason": "Loaded from the old register"}, effect=adoption_count),
    Case("audits:trail", "GET", TRAIL_PAGE),
    Case("audits:trail", "POST", TRAIL_SIGN, data=lambda w: {}, effect=checkpoint_count),
    Case("audits:pack_list", "GET", PACK_PAGE),
    Case("audits:pack_list", "POST", PACK_PAGE, data=lambda w: {"scope": "whole"},
         effect=pack_count),
    Case("audits:pack_detail", "GET", PACK_RECORD, kwargs=pack_kwargs),
    Case("audits:pack_retry", "POST", PACK_RECORD, kwargs=failed_pack_kwargs,
         effect=failed_pack_status),
    Case("audits:pack_download", "GET", PACK_RECORD, kwargs=ready_pack_kwargs("pdf")),
    Case("api:evidencepack-list", "GET", API_PACK_LIST),
    Case("api:evidencepack-list", "POST", API_PACK_WRITE, data=lambda w: {"scope": "whole"},
         effect=pack_count),
    Case("api:evidencepack-detail", "GET", API_PACK_RECORD, kwargs=pack_kwargs),
    Case("api:evidencepack-retry", "POST", API_PACK_WRITE, kwargs=failed_pack_kwargs,
         effect=failed_pack_status),
    Case("api:evidencepack-download-pdf", "GET", API_PACK_RECORD, kwargs=ready_pack_kwargs()),
    Case("api:evidencepack-download-zip", "GET", API_PACK_RECORD, kwargs=ready_pack_kwargs()),
]  # fmt: skip
