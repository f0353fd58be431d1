"""History battery entry of certification auditors' accesses: an officer grants one on an
external audit (created with the ORM: the audits' own services belong to another part)."""

from datetime import timedelta

from django.utils import timezone

from audits.certification import access
from audits.certification.models import AuditorAccess, CertificationBody, ExternalAudit

from .battery_framework import Entry, api, by_id


def audit(w) -> ExternalAudit:
    def make():
        # Made with the ORM and without history: only the access's own rows are measured.
        today = timezone.localdate()
        body = CertificationBody(name="Battery certification body")
        body.skip_history_when_saving = True
        body.save()
        audit = ExternalAudit(
            body=body, kind=ExternalAudit.Kind.STAGE_1, start_date=today,
            end_date=today + timedelta(days=2), scope="Battery scope", created_by=w.officer,
        )  # fmt: skip
        audit.skip_history_when_saving = True
        audit.save()
        return audit

    return w.once("_battery_external_audit", make)


def window(w) -> dict:
    return {"valid_from": timezone.localdate(), "valid_until": audit(w).end_date}


BATTERY = {
    AuditorAccess: Entry(
        actor="officer",
        stage="approved_for_development",
        create=lambda w: (
            access.grant_access(
                audit=audit(w), actor=w.officer, username="battery_body_auditor", **window(w)
            ).access
        ),
        api_create=lambda w: (
            "post",
            api("auditoraccess-list"),
            {
                "audit": audit(w).pk,
                "username": "battery_body_auditor_api",
                **{k: v.isoformat() for k, v in window(w).items()},
            },
            "json",
        ),  # fmt: skip
        api_bad=lambda w: (
            "post",
            api("auditoraccess-list"),
            {"audit": audit(w).pk, "username": "battery_bad", "valid_from": "not a date"},
            "json",
        ),
        api_result=by_id(AuditorAccess),
    ),
}
