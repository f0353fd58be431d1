"""History battery entries for certification bodies, external audits and certificates. Every
write here is the officer's."""

from datetime import timedelta

from django.db.models import Model
from django.utils import timezone

from audits.certification import services
from audits.certification.models import Certificate, CertificationBody, ExternalAudit

from .battery_framework import Entry, api, by_id
from .world import World


def _today():
    return timezone.localdate()


def body(w: World) -> CertificationBody:
    return w.once(
        "_battery_cert_body",
        lambda: services.body_save(
            actor=w.officer, body=CertificationBody(), data={"name": "Battery body"}
        ),
    )


def audit_data(w: World) -> dict:
    return {
        "body": body(w).pk,
        "kind": "stage2",
        "start_date": _today().isoformat(),
        "end_date": (_today() + timedelta(days=1)).isoformat(),
        "scope": "Battery scope",
    }


def audit(w: World) -> ExternalAudit:
    return services.audit_save(
        actor=w.officer,
        audit=ExternalAudit(),
        data={
            "body": body(w),
            "kind": "stage2",
            "start_date": _today(),
            "end_date": _today() + timedelta(days=1),
            "scope": "Battery scope",
        },
    )


def recommended(w: World) -> ExternalAudit:
    done = audit(w)
    services.audit_transition(actor=w.officer, audit=done, action="start")
    return services.audit_transition(
        actor=w.officer, audit=done, action="complete", outcome="recommended"
    )


def certificate_data(w: World, number: str) -> dict:
    return {
        "number": number,
        "body": body(w).pk,
        "scope": "Battery scope",
        "issued_on": _today().isoformat(),
        "expires_on": (_today() + timedelta(days=1095)).isoformat(),
        "issuing_audit": recommended(w).pk,
    }


BATTERY: dict[type[Model], Entry] = {
    CertificationBody: Entry(
        actor="officer",
        stage="approved_for_development",
        create=body,
        api_create=lambda w: (
            "post",
            api("certificationbody-list"),
            {"name": "Battery API body"},
            "json",
        ),
        api_bad=lambda w: ("post", api("certificationbody-list"), {"name": ""}, "json"),
        api_result=by_id(CertificationBody),
    ),
    ExternalAudit: Entry(
        actor="officer",
        stage="approved_for_development",
        create=audit,
        api_create=lambda w: ("post", api("externalaudit-list"), audit_data(w), "json"),
        api_bad=lambda w: (
            "post",
            api("externalaudit-list"),
            # nothing made first: the bad request must be the only write attempted
            {
                "body": 999999,
                "kind": "stage2",
                "start_date": "2026-02-01",
                "end_date": "2000-01-01",
                "scope": "Battery",
            },
            "json",
        ),
        api_result=by_id(ExternalAudit),
    ),
    Certificate: Entry(
        actor="officer",
        stage="approved_for_development",
        create=lambda w: services.certificate_record(
            actor=w.officer,
            data={
                "number": "BATTERY-1",
                "body": body(w),
                "scope": "Battery scope",
                "issued_on": _today(),
                "expires_on": _today() + timedelta(days=1095),
                "issuing_audit": recommended(w),
            },
        ),
        api_create=lambda w: (
            "post",
            api("certificate-list"),
            certificate_data(w, "BATTERY-API-1"),
            "json",
        ),
        api_bad=lambda w: (
            "post",
            api("certificate-list"),
            {
                "number": "BATTERY-API-2",
                "body": 999999,
                "scope": "x",
                "issued_on": "soon",
                "issuing_audit": 999999,
            },
            "json",
        ),
        api_result=by_id(Certificate),
    ),
}
