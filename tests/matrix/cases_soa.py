"""Role-matrix rows of the catalogue, the Statement of Applicability, its versions and
readiness (audits/soa/urls.py, audits/soa/api/urls.py).

The SoA is an AIMS-wide record: every role with a view permission reads it (officers,
approvers, auditors and system owners, who own controls); only officers change it. Versions
are read by officers, approvers and auditors, and approved by officers and approvers. A user
without a role is refused (403 on pages, an empty list or 404 in the API)."""

from audits.models import CatalogueItem, ControlStatement, SoAVersion
from audits.soa import services as soa_services

from .framework import API_LOGGED_IN, Case, expect
from .world import World

# fmt: off
#                                anonymous nobody owner other_owner officer approver auditor
SOA_READ                = expect("login    403    ok    ok          ok      ok       ok")
SOA_WRITE               = expect("login    403    403   403         ok      403      403")
VERSION_READ            = expect("login    403    403   403         ok      ok       ok")
VERSION_APPROVE         = expect("login    403    403   403         ok      ok       403")
API_SOA_RECORD          = expect("401      404    ok    ok          ok      ok       ok")
API_SOA_WRITE           = expect("401      403    403   403         ok      403      403")
API_VERSION_RECORD      = expect("401      404    404   404         ok      ok       ok")
API_VERSION_READ        = expect("401      403    403   403         ok      ok       ok")
API_VERSION_APPROVE     = expect("401      403    403   403         ok      ok       403")
API_READINESS           = expect("401      403    ok    ok          ok      ok       ok")
# fmt: on

CODE = "A.6.2.6"


def statement(w: World) -> ControlStatement:
    return ControlStatement.objects.get(item__code=CODE)


def statement_pk(w: World) -> dict:
    return {"pk": statement(w).pk}


def status(w: World) -> str:
    return ControlStatement.objects.values_list("implementation_status", flat=True).get(
        item__code=CODE
    )


def version_number(w: World) -> dict:
    if "_version" not in w.__dict__:
        w.__dict__["_version"] = soa_services.soa_version_approve(actor=w.officer, note="Matrix")
    return {"number": w.__dict__["_version"].number}


def versions(w: World) -> int:
    return SoAVersion.objects.count()


def item_pk(w: World) -> dict:
    return {"pk": CatalogueItem.objects.get(code=CODE).pk}


HTML_EDIT = {"applicable": "on", "implementation_status": "planned", "implementation_notes": ""}
COMPARE = {"a": "current", "b": "current"}

CASES = [
    Case("soa:statement_list", "GET", SOA_READ),
    Case("soa:statement_export", "GET", SOA_READ),
    Case("soa:readiness", "GET", SOA_READ),
    Case("soa:statement_detail", "GET", SOA_READ, kwargs=statement_pk),
    Case("soa:statement_edit", "GET", SOA_WRITE, kwargs=statement_pk),
    Case("soa:statement_edit", "POST", SOA_WRITE, kwargs=statement_pk,
         data=lambda w: HTML_EDIT, effect=status),
    Case("soa:version_list", "GET", VERSION_READ),
    Case("soa:version_approve", "GET", VERSION_APPROVE),
    Case("soa:version_approve", "POST", VERSION_APPROVE, data=lambda w: {"note": "Matrix"},
         effect=versions),
    Case("soa:version_compare", "GET", VERSION_READ, setup=lambda w: version_number(w)),
    Case("soa:version_detail", "GET", VERSION_READ, kwargs=version_number),
    Case("soa:version_export", "GET", VERSION_READ, kwargs=version_number),
    # --- API ---------------------------------------------------------------------------------
    Case("api:catalogueitem-list", "GET", API_LOGGED_IN),
    Case("api:catalogueitem-detail", "GET", API_SOA_RECORD, kwargs=item_pk),
    Case("api:controlstatement-list", "GET", API_LOGGED_IN),
    Case("api:controlstatement-detail", "GET", API_SOA_RECORD, kwargs=statement_pk),
    Case("api:controlstatement-history", "GET", API_SOA_RECORD, kwargs=statement_pk),
    Case("api:controlstatement-detail", "PATCH", API_SOA_WRITE, kwargs=statement_pk,
         data=lambda w: {"implementation_status": "partial"}, effect=status),
    Case("api:soaversion-list", "GET", API_LOGGED_IN),
    Case("api:soaversion-list", "POST", API_VERSION_APPROVE, data=lambda w: {"note": "Matrix"},
         effect=versions),
    Case("api:soaversion-detail", "GET", API_VERSION_RECORD, kwargs=version_number),
    Case("api:soaversion-compare", "GET", API_VERSION_READ, data=lambda w: COMPARE),
    Case("api:readiness", "GET", API_READINESS),
]  # fmt: skip
