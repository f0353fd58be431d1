"""Records of the certification tests, made through the real services."""

from datetime import date, timedelta

from audits.certification import services
from audits.certification.models import Certificate, CertificationBody, ExternalAudit

TODAY = date.today()


def body(actor, name="Acme Certification") -> CertificationBody:
    return services.body_save(
        actor=actor, body=CertificationBody(), data={"name": name, "country": "NL"}
    )


def plan(actor, cb, kind="stage2", *, start=None, certificate=None, **extra) -> ExternalAudit:
    start = start or TODAY + timedelta(days=20)
    data = {
        "body": cb,
        "kind": kind,
        "start_date": start,
        "end_date": start + timedelta(days=2),
        "scope": "The AIMS of the whole company",
        **extra,
    }
    if certificate is not None:
        data["certificate"] = certificate
    return services.audit_save(actor=actor, audit=ExternalAudit(), data=data)


def completed(actor, audit, outcome="recommended") -> ExternalAudit:
    services.audit_transition(actor=actor, audit=audit, action="start")
    return services.audit_transition(
        actor=actor, audit=audit, action="complete", outcome=outcome, notes="Well run"
    )


def certificate(actor, audit, number="AIMS-0001", issued=None, years=3) -> Certificate:
    issued = issued or TODAY
    return services.certificate_record(
        actor=actor,
        data={
            "number": number,
            "body": audit.body,
            "scope": "Design and operation of AI systems",
            "issued_on": issued,
            "expires_on": services.add_months(issued, 12 * years),
            "issuing_audit": audit,
        },
    )


def certified(actor, number="AIMS-0001", issued=None) -> Certificate:
    cb = body(actor)
    return certificate(actor, completed(actor, plan(actor, cb)), number=number, issued=issued)
