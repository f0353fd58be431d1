"""Rows the findings tests stand on, written with the ORM (the services of bodies and audits
belong to another part of the certification work)."""

from datetime import date, timedelta

from audits.models import CatalogueItem, CertificationBody, ExternalAudit


def clause(code: str, title: str = "", kind: str = "control") -> CatalogueItem:
    item, _ = CatalogueItem.objects.get_or_create(
        code=code,
        defaults={"kind": kind, "title": title or f"Item {code}", "sort_key": "9." + code},
    )
    return item


def make_audit(officer, *, kind=ExternalAudit.Kind.STAGE_2, status=None, start=None, **extra):
    body, _ = CertificationBody.objects.get_or_create(
        name="Test Certification Ltd", defaults={"accreditation": "NAB 123"}
    )
    start = start or date.today() - timedelta(days=10)
    audit = ExternalAudit(
        body=body,
        kind=kind,
        title=extra.pop("title", "Stage 2 audit"),
        start_date=start,
        end_date=start + timedelta(days=2),
        scope="The whole AIMS",
        created_by=officer,
        **extra,
    )
    audit.status = status or ExternalAudit.Status.COMPLETED
    audit.save()
    return audit
