"""Reminders of the certification cycle (found by aims.reminders.sweep.run_sweep through
audits.reminders): an external audit planned within the lead days, and a certificate nearing
its expiry, each to the officer who recorded it."""

from collections.abc import Iterator
from datetime import date

from aims.models import format_reference
from aims.reminders.sources import Due, ReminderSource, horizon, url_for

from .models import Certificate, ExternalAudit

AUDIT_KIND = "external-audit"
EXPIRY_KIND = "certificate-expiry"


def audits_upcoming(today: date, lead_days: int) -> Iterator[Due]:
    link = url_for("certification:audit_detail")
    rows = ExternalAudit.objects.filter(
        status=ExternalAudit.Status.PLANNED, start_date__lte=horizon(today, lead_days)
    ).values_list("pk", "kind", "title", "created_by_id", "start_date")
    kinds = dict(ExternalAudit.Kind.choices)
    for pk, kind, title, recipient_id, start in rows:
        reference = format_reference(ExternalAudit.REFERENCE_PREFIX, pk)
        yield Due(
            recipient_id,
            AUDIT_KIND,
            f"External audit {reference}: {title or kinds.get(kind, kind)}",
            link(pk),
            start,
            str(pk),
        )


def certificates_expiring(today: date, lead_days: int) -> Iterator[Due]:
    link = url_for("certification:certificate_detail")
    rows = Certificate.objects.filter(
        status__in=(Certificate.Status.ACTIVE, Certificate.Status.SUSPENDED),
        expires_on__lte=horizon(today, lead_days),
    ).values_list("pk", "number", "created_by_id", "expires_on")
    for pk, number, recipient_id, expires_on in rows:
        yield Due(
            recipient_id,
            EXPIRY_KIND,
            f"Certificate {number}: expiry",
            link(pk),
            expires_on,
            str(pk),
        )


SOURCES = [
    ReminderSource(
        AUDIT_KIND,
        "External audits",
        30,
        audits_upcoming,
        "The first day of planned external audits (stage 1, stage 2, surveillance, "
        "recertification), to the officer who planned it.",
    ),
    ReminderSource(
        EXPIRY_KIND,
        "Certificate expiry",
        180,
        certificates_expiring,
        "The expiry date of the certificate in force, to the officer who recorded it.",
    ),
]
