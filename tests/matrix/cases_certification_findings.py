"""Role-matrix rows for the certification body's findings (pages and API).

Officers, approvers and auditors read every finding; only officers write. A finding's owner
(here the world's system owner) sees their own finding and sends its response; another owner
finds nothing (404). The audit a finding stands on is written with the ORM (its services are
another part of the certification work), stamped as the officer's."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from aims.history import stamp
from audits.certification import findings as services
from audits.models import (
    CatalogueItem,
    CertificationBody,
    ExternalAudit,
    ExternalFinding,
    FindingResponse,
)

from .framework import Case, expect
from .world import World

# fmt: off
#                                anonymous nobody owner other_owner officer approver auditor
LIST_PAGE               = expect("login    ok     ok    ok          ok      ok       ok")
RECORD                  = expect("login    404    ok    404         ok      ok       ok")
CREATE                  = expect("login    404    404   404         ok      403      403")
RECORD_WRITE            = expect("login    404    403   404         ok      403      403")
RESPOND                 = expect("login    404    ok    404         ok      403      403")
API_LIST                = expect("401      ok     ok    ok          ok      ok       ok")
API_RECORD              = expect("401      404    ok    404         ok      ok       ok")
API_WRITE               = expect("401      403    403   403         ok      403      403")
API_RESPOND             = expect("401      404    ok    404         ok      403      403")
# fmt: on

TITLE = "Matrix certification finding"
P = "certification:"


def _today():
    return timezone.localdate()


def clause(w: World | None = None) -> CatalogueItem:
    item, _ = CatalogueItem.objects.get_or_create(
        code="M.EXF", defaults={"kind": "control", "title": "Matrix clause", "sort_key": "9.MX"}
    )
    return item


@transaction.atomic  # the audit trail seals history rows when the transaction commits
def make_audit(officer) -> ExternalAudit:
    body = CertificationBody.objects.filter(name="Matrix certification body").first()
    if body is None:
        body = CertificationBody(name="Matrix certification body")
        stamp(body, actor=officer, reason="Matrix body")
        body.save()
    audit = ExternalAudit(
        body=body,
        kind=ExternalAudit.Kind.STAGE_2,
        title="Matrix stage 2",
        start_date=_today() - timedelta(days=5),
        end_date=_today() - timedelta(days=3),
        scope="Matrix scope",
        created_by=officer,
    )
    audit.status = ExternalAudit.Status.COMPLETED
    stamp(audit, actor=officer, reason="Matrix audit")
    audit.save()
    return audit


def audit(w: World) -> ExternalAudit:
    return w.once("_exf_audit", lambda: make_audit(w.officer))


def record(w: World, kind: str, key: str) -> ExternalFinding:
    nonconformity = kind != ExternalFinding.Kind.OFI
    return w.once(
        key,
        lambda: services.record_finding(
            audit=audit(w),
            actor=w.officer,
            kind=kind,
            title=TITLE,
            description="Matrix description",
            clauses=[clause()],
            response_due=_today() + timedelta(days=20) if nonconformity else None,
            owner=w.owner,
        ),
    )


def finding(w: World) -> ExternalFinding:
    return record(w, ExternalFinding.Kind.MINOR, "_exf_minor")


def ofi(w: World) -> ExternalFinding:
    return record(w, ExternalFinding.Kind.OFI, "_exf_ofi")


def response_data(w: World | None = None) -> dict:
    return {
        "correction": "Corrected",
        "root_cause": "A cause",
        "corrective_action_taken": "A change",
        "sent_on": _today().isoformat(),
    }


def responded(w: World) -> ExternalFinding:
    def make():
        found = finding(w)
        services.send_response(
            finding=found, actor=w.officer, **{**response_data(), "sent_on": _today()}
        )
        return found

    return w.once("_exf_responded", make)


def pk(getter):
    return lambda w: {"pk": getter(w).pk}


def audit_pk(w: World) -> dict:
    return {"audit_pk": audit(w).pk}


def value_of(getter, field: str):
    def run(w):
        row = getter(w)
        return type(row).objects.values_list(field, flat=True).get(pk=row.pk)

    return run


def count(model):
    return lambda w: model.objects.count()


def form(w: World, **overrides) -> dict:
    data = {
        "kind": "minor",
        "title": "New matrix finding",
        "description": "Seen",
        "clauses": [clause().pk],
        "response_due": (_today() + timedelta(days=20)).isoformat(),
        "owner": w.owner.pk,
    }
    data.update(overrides)
    return data


def show(w: World) -> str:
    finding(w)
    return TITLE


CASES = [
    Case(P + "finding_list", "GET", LIST_PAGE, marker=show),
    Case(P + "finding_export", "GET", LIST_PAGE, setup=finding),
    Case(P + "finding_export_xlsx", "GET", LIST_PAGE, setup=finding),
    Case(P + "finding_detail", "GET", RECORD, kwargs=pk(finding)),
    Case(P + "finding_create", "GET", CREATE, kwargs=audit_pk),
    Case(P + "finding_create", "POST", CREATE, kwargs=audit_pk, data=form,
         effect=count(ExternalFinding)),
    Case(P + "finding_edit", "GET", RECORD_WRITE, kwargs=pk(finding)),
    Case(P + "finding_edit", "POST", RECORD_WRITE, kwargs=pk(finding),
         data=lambda w: form(w, title="Renamed"), effect=value_of(finding, "title")),
    Case(P + "finding_respond", "GET", RESPOND, kwargs=pk(finding)),
    Case(P + "finding_respond", "POST", RESPOND, kwargs=pk(finding), data=response_data,
         effect=count(FindingResponse)),
    Case(P + "finding_close", "POST", RECORD_WRITE, kwargs=pk(ofi),
         effect=value_of(ofi, "status")),
    Case(P + "finding_reopen", "POST", RECORD_WRITE, kwargs=pk(responded),
         data=lambda w: {"note": "Not accepted"}, effect=value_of(responded, "status")),
    # --- API -----------------------------------------------------------------------------------
    Case("api:externalfinding-list", "GET", API_LIST),
    Case("api:externalfinding-list", "POST", API_WRITE, effect=count(ExternalFinding),
         data=lambda w: {**form(w), "audit": audit(w).pk, "clauses": ["M.EXF"]}),
    Case("api:externalfinding-detail", "GET", API_RECORD, kwargs=pk(finding)),
    Case("api:externalfinding-detail", "PATCH", API_WRITE, kwargs=pk(finding),
         data=lambda w: {"title": "Renamed"}, effect=value_of(finding, "title")),
    Case("api:externalfinding-respond", "POST", API_RESPOND, kwargs=pk(finding),
         data=response_data, effect=count(FindingResponse)),
    Case("api:externalfinding-close", "POST", API_WRITE, kwargs=pk(ofi),
         data=lambda w: {}, effect=value_of(ofi, "status")),
    Case("api:externalfinding-reopen", "POST", API_WRITE, kwargs=pk(responded),
         data=lambda w: {"note": "Not accepted"}, effect=value_of(responded, "status")),
    Case("api:externalfinding-responses", "GET", API_RECORD, kwargs=pk(finding)),
]  # fmt: skip
