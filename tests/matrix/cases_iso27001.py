"""Role-matrix rows of the ISO/IEC 27001 controls and mappings (audits/iso27001/urls.py,
audits/iso27001/api/urls.py).

AIMS-wide records read by officers, approvers and auditors; only officers change controls,
propose mappings and review or reject them. Pages: a user without the reading role gets a 403
on lists and a 404 on a record (nothing leaks); the API gives them an empty list and 404s, and
refuses read-only roles every write (403)."""

from audits.models import ControlMapping, SecurityControl

from .framework import API_LOGGED_IN, Case, expect
from .world import World

# fmt: off
#                                anonymous nobody owner other_owner officer approver auditor
ISO_LIST                = expect("login    403    403   403         ok      ok       ok")
ISO_RECORD              = expect("login    404    404   404         ok      ok       ok")
ISO_RECORD_WRITE        = expect("login    404    404   404         ok      403      403")
ISO_WRITE               = expect("login    403    403   403         ok      403      403")
API_ISO_RECORD          = expect("401      404    404   404         ok      ok       ok")
API_ISO_WRITE           = expect("401      403    403   403         ok      403      403")
# fmt: on

CONTROL, ITEM = "8.15", "A.6.2.8"


def control_pk(w: World) -> dict:
    return {"pk": SecurityControl.objects.get(code=CONTROL).pk}


def mapping_pk(w: World) -> dict:
    return {"pk": ControlMapping.objects.get(security_control__code=CONTROL, item__code=ITEM).pk}


def control_status(w: World) -> str:
    return SecurityControl.objects.get(code=CONTROL).implementation_status


def mapping_status(w: World) -> str:
    return ControlMapping.objects.get(pk=mapping_pk(w)["pk"]).status


def mappings(w: World) -> int:
    return ControlMapping.objects.count()


HTML_EDIT = {"applicable": "on", "implementation_status": "partial"}


def propose_form(w: World) -> dict:
    return {
        "security_control": SecurityControl.objects.get(code="8.16").pk,
        "item_code": "A.9.2",
        "rationale": "Matrix",
        "source": "own_analysis",
    }


API_PROPOSE = {
    "security_control_code": "8.16",
    "item_code": "A.9.2",
    "rationale": "Matrix",
    "source": "own_analysis",
}

CASES = [
    Case("iso27001:control_list", "GET", ISO_LIST),
    Case("iso27001:control_export", "GET", ISO_LIST),
    Case("iso27001:control_export_xlsx", "GET", ISO_LIST),
    Case("iso27001:control_detail", "GET", ISO_RECORD, kwargs=control_pk),
    Case("iso27001:control_edit", "GET", ISO_RECORD_WRITE, kwargs=control_pk),
    Case("iso27001:control_edit", "POST", ISO_RECORD_WRITE, kwargs=control_pk,
         data=lambda w: HTML_EDIT, effect=control_status),
    Case("iso27001:mapping_list", "GET", ISO_LIST),
    Case("iso27001:mapping_export", "GET", ISO_LIST),
    Case("iso27001:mapping_export_xlsx", "GET", ISO_LIST),
    Case("iso27001:mapping_detail", "GET", ISO_RECORD, kwargs=mapping_pk),
    Case("iso27001:mapping_add", "GET", ISO_WRITE),
    Case("iso27001:mapping_add", "POST", ISO_WRITE, data=propose_form, effect=mappings),
    Case("iso27001:mapping_review", "POST", ISO_RECORD_WRITE, kwargs=mapping_pk,
         data=lambda w: {"note": "Matrix"}, effect=mapping_status),
    Case("iso27001:mapping_reject", "POST", ISO_RECORD_WRITE, kwargs=mapping_pk,
         data=lambda w: {"reason": "Matrix"}, effect=mapping_status),
    # --- API ---------------------------------------------------------------------------------
    Case("api:iso27001control-list", "GET", API_LOGGED_IN),
    Case("api:iso27001control-detail", "GET", API_ISO_RECORD, kwargs=control_pk),
    Case("api:iso27001control-detail", "PATCH", API_ISO_WRITE, kwargs=control_pk,
         data=lambda w: {"implementation_status": "partial"}, effect=control_status),
    Case("api:iso27001mapping-list", "GET", API_LOGGED_IN),
    Case("api:iso27001mapping-list", "POST", API_ISO_WRITE, data=lambda w: API_PROPOSE,
         effect=mappings),
    Case("api:iso27001mapping-detail", "GET", API_ISO_RECORD, kwargs=mapping_pk),
    Case("api:iso27001mapping-review", "POST", API_ISO_WRITE, kwargs=mapping_pk,
         data=lambda w: {"note": "Matrix"}, effect=mapping_status),
    Case("api:iso27001mapping-reject", "POST", API_ISO_WRITE, kwargs=mapping_pk,
         data=lambda w: {"reason": "Matrix"}, effect=mapping_status),
]  # fmt: skip
