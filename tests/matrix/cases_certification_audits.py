"""Role-matrix rows for certification bodies, external audits and certificates (pages and
API).

Read by role: officers, approvers and auditors read them all; only officers write. A user
without the read permission is refused a list page (403) and does not find a record (404); in
the API their lists are empty. Records are made through the real services and cached on the
world."""

from datetime import timedelta

from django.utils import timezone

from audits.certification import services
from audits.certification.models import Certificate, CertificationBody, ExternalAudit

from .framework import Case, expect
from .world import World

# fmt: off
#                                anonymous nobody owner other_owner officer approver auditor
READ_PAGE               = expect("login    403    403   403         ok      ok       ok")
WRITE_PAGE              = expect("login    403    403   403         ok      403      403")
RECORD                  = expect("login    404    404   404         ok      ok       ok")
RECORD_WRITE            = expect("login    404    404   404         ok      403      403")
API_LIST                = expect("401      ok     ok    ok          ok      ok       ok")
API_RECORD              = expect("401      404    404   404         ok      ok       ok")
API_WRITE               = expect("401      403    403   403         ok      403      403")
# fmt: on

BODY_NAME = "Matrix certification body"
AUDIT_TITLE = "Matrix external audit"
CERT_NUMBER = "MATRIX-CERT-1"


def _today():
    return timezone.localdate()


def body(w: World) -> CertificationBody:
    # The findings' and access cases share the body: whichever part runs first records it.
    return w.once(
        "_cert_body",
        lambda: (
            CertificationBody.objects.filter(name=BODY_NAME).first()
            or services.body_save(
                actor=w.officer, body=CertificationBody(), data={"name": BODY_NAME}
            )
        ),
    )


def audit_form(w: World, **overrides) -> dict:
    return {
        "body": body(w).pk,
        "kind": "stage2",
        "title": AUDIT_TITLE,
        "start_date": (_today() + timedelta(days=10)).isoformat(),
        "end_date": (_today() + timedelta(days=11)).isoformat(),
        "scope": "Matrix scope",
        **overrides,
    }


def audit(w: World) -> ExternalAudit:
    def make():
        data = audit_form(w)
        data.update(body=body(w), start_date=_today() + timedelta(days=10))
        data["end_date"] = data["start_date"] + timedelta(days=1)
        return services.audit_save(actor=w.officer, audit=ExternalAudit(), data=data)

    return w.once("_cert_audit", make)


def running(w: World) -> ExternalAudit:
    return w.once(
        "_cert_running",
        lambda: services.audit_transition(actor=w.officer, audit=audit(w), action="start"),
    )


def recommended(w: World) -> ExternalAudit:
    def make():
        running(w)
        return services.audit_transition(
            actor=w.officer, audit=audit(w), action="complete", outcome="recommended"
        )

    return w.once("_cert_recommended", make)


def certificate_form(w: World, **overrides) -> dict:
    return {
        "issuing_audit": recommended(w).pk,
        "number": CERT_NUMBER,
        "body": body(w).pk,
        "scope": "Matrix scope",
        "issued_on": _today().isoformat(),
        "expires_on": (_today() + timedelta(days=1095)).isoformat(),
        **overrides,
    }


def certificate(w: World) -> Certificate:
    def make():
        data = certificate_form(w)
        data.update(
            issuing_audit=recommended(w),
            body=body(w),
            issued_on=_today(),
            expires_on=_today() + timedelta(days=1095),
        )
        return services.certificate_record(actor=w.officer, data=data)

    return w.once("_cert_certificate", make)


# kwargs
def body_pk(w):
    return {"pk": body(w).pk}


def audit_pk(w):
    return {"pk": audit(w).pk}


def certificate_pk(w):
    return {"pk": certificate(w).pk}


def audit_action(action: str, getter=audit):
    return lambda w: {"pk": getter(w).pk, "action": action}


def certificate_action(action: str):
    return lambda w: {"pk": certificate(w).pk, "action": action}


# effects
def value_of(getter, field: str):
    def run(w):
        record = getter(w)
        return type(record).objects.values_list(field, flat=True).get(pk=record.pk)

    return run


def count(model):
    return lambda w: model.objects.count()


def show(getter, text: str):
    def run(w):
        getter(w)
        return text

    return run


P = "certification:"

CASES = [
    # --- Bodies --------------------------------------------------------------------------------
    Case(P + "body_list", "GET", READ_PAGE, marker=show(body, BODY_NAME)),
    Case(P + "body_create", "GET", WRITE_PAGE),
    Case(P + "body_create", "POST", WRITE_PAGE, data=lambda w: {"name": "New body"},
         effect=count(CertificationBody)),
    Case(P + "body_detail", "GET", RECORD, kwargs=body_pk),
    Case(P + "body_edit", "GET", RECORD_WRITE, kwargs=body_pk),
    Case(P + "body_edit", "POST", RECORD_WRITE, kwargs=body_pk,
         data=lambda w: {"name": "Renamed body"}, effect=value_of(body, "name")),
    # --- External audits -----------------------------------------------------------------------
    Case(P + "audit_list", "GET", READ_PAGE, marker=show(audit, AUDIT_TITLE)),
    Case(P + "audit_export", "GET", READ_PAGE),
    Case(P + "audit_export_xlsx", "GET", READ_PAGE),
    Case(P + "audit_create", "GET", WRITE_PAGE),
    Case(P + "audit_create", "POST", WRITE_PAGE, data=audit_form, effect=count(ExternalAudit)),
    Case(P + "audit_detail", "GET", RECORD, kwargs=audit_pk),
    Case(P + "audit_edit", "GET", RECORD_WRITE, kwargs=audit_pk),
    Case(P + "audit_edit", "POST", RECORD_WRITE, kwargs=audit_pk,
         data=lambda w: audit_form(w, title="Renamed audit"), effect=value_of(audit, "title")),
    Case(P + "audit_transition", "GET", RECORD_WRITE, kwargs=audit_action("start")),
    Case(P + "audit_transition", "POST", RECORD_WRITE, kwargs=audit_action("start"),
         effect=value_of(audit, "status")),
    # --- Certificates --------------------------------------------------------------------------
    Case(P + "certificate_list", "GET", READ_PAGE, marker=show(certificate, CERT_NUMBER)),
    Case(P + "certificate_create", "GET", WRITE_PAGE),
    Case(P + "certificate_create", "POST", WRITE_PAGE, data=certificate_form,
         effect=count(Certificate)),
    Case(P + "certificate_detail", "GET", RECORD, kwargs=certificate_pk),
    Case(P + "certificate_transition", "GET", RECORD_WRITE, kwargs=certificate_action("suspend")),
    Case(P + "certificate_transition", "POST", RECORD_WRITE,
         kwargs=certificate_action("suspend"), data=lambda w: {"reason": "Matrix"},
         effect=value_of(certificate, "status")),
    # --- API -----------------------------------------------------------------------------------
    Case("api:certificationbody-list", "GET", API_LIST),
    Case("api:certificationbody-list", "POST", API_WRITE, data=lambda w: {"name": "API body"},
         effect=count(CertificationBody)),
    Case("api:certificationbody-detail", "GET", API_RECORD, kwargs=body_pk),
    Case("api:certificationbody-detail", "PATCH", API_WRITE, kwargs=body_pk,
         data=lambda w: {"country": "BE"}, effect=value_of(body, "country")),
    Case("api:externalaudit-list", "GET", API_LIST),
    Case("api:externalaudit-list", "POST", API_WRITE, data=audit_form,
         effect=count(ExternalAudit)),
    Case("api:externalaudit-detail", "GET", API_RECORD, kwargs=audit_pk),
    Case("api:externalaudit-detail", "PATCH", API_WRITE, kwargs=audit_pk,
         data=lambda w: {"title": "Renamed"}, effect=value_of(audit, "title")),
    Case("api:externalaudit-readiness", "GET", API_RECORD, kwargs=audit_pk),
    Case("api:externalaudit-start", "POST", API_WRITE, kwargs=audit_pk,
         effect=value_of(audit, "status")),
    Case("api:externalaudit-complete", "POST", API_WRITE, kwargs=audit_pk, setup=running,
         data=lambda w: {"outcome": "recommended"}, effect=value_of(audit, "status")),
    Case("api:externalaudit-cancel", "POST", API_WRITE, kwargs=audit_pk,
         data=lambda w: {"notes": "Matrix"}, effect=value_of(audit, "status")),
    Case("api:certificate-list", "GET", API_LIST),
    Case("api:certificate-list", "POST", API_WRITE, data=certificate_form,
         effect=count(Certificate)),
    Case("api:certificate-detail", "GET", API_RECORD, kwargs=certificate_pk),
    Case("api:certificate-suspend", "POST", API_WRITE, kwargs=certificate_pk,
         data=lambda w: {"reason": "Matrix"}, effect=value_of(certificate, "status")),
    Case("api:certificate-reinstate", "POST", API_WRITE, kwargs=certificate_pk,
         setup=lambda w: services.certificate_transition(
             actor=w.officer, certificate=certificate(w), action="suspend", reason="Matrix"),
         data=lambda w: {"reason": "Matrix"}, effect=value_of(certificate, "status")),
    Case("api:certificate-withdraw", "POST", API_WRITE, kwargs=certificate_pk,
         data=lambda w: {"reason": "Matrix"}, effect=value_of(certificate, "status")),
]  # fmt: skip
