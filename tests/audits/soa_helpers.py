"""Helpers of the catalogue, SoA, readiness and gap tests."""

from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile

from aims.evidence.services import evidence_create
from aims.models import Evidence
from audits.models import ControlStatement
from audits.soa import services as soa_services


def statement(code: str) -> ControlStatement:
    return ControlStatement.objects.select_related("item").get(item__code=code)


def pdf(name: str = "proof.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 soa evidence", "application/pdf")


def attach(
    officer,
    code: str,
    *,
    valid_from: date | None = None,
    valid_until: date | None = None,
    title: str = "Proof",
) -> Evidence:
    return evidence_create(
        actor=officer,
        target=statement(code),
        title=title,
        url="https://example.org/proof",
        valid_from=valid_from,
        valid_until=valid_until,
    )


def make_ready(officer, code: str, **evidence) -> ControlStatement:
    """Owner, in-date evidence and implemented: the three conditions of readiness."""
    attach(officer, code, **evidence)
    return soa_services.statement_update(
        actor=officer,
        statement=statement(code),
        data={"owner": officer, "implementation_status": "implemented"},
    )
