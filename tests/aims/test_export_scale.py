"""The large registers' exports (risks, incidents, evidence, suppliers) read plain rows in
chunks (issue 21): the number of statements does not grow with the number of rows, and each
row still says what the record's own methods say (labels, people by name, references,
affected systems, the report's lateness, what evidence is attached to)."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from aims.models import Evidence
from aims.people import display_name
from incidents.models import Incident
from inventory.models import AISystem
from risk.models import Risk
from suppliers import services as supplier_services
from suppliers.models import Supplier

from ..suppliers.helpers import connect
from .test_hot_page_queries import grow, queries_of

pytestmark = pytest.mark.django_db

SMALL, LARGE = 2, 9


def csv_rows(client, name: str, query: dict | None = None) -> list[list[str]]:
    response = client.get(reverse(name), query or {})
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def row_of(rows: list[list[str]], reference: str) -> dict[str, str]:
    """The export's row of ``reference`` (first column), keyed by the header."""
    (row,) = [r for r in rows[1:] if r[0] == reference]
    return dict(zip(rows[0], row, strict=True))


def when(value) -> str:
    """A moment as the export writes it (to the whole second), "" for none."""
    return "" if value is None else str(value.replace(microsecond=0))


@pytest.fixture
def named_owner(owner):
    owner.first_name, owner.last_name = "Olga", "Owner"
    owner.save(update_fields=["first_name", "last_name"])
    return owner


@pytest.mark.parametrize(
    "name",
    ["risk:register_export", "incidents:incident_export", "evidence:evidence_export"],
)
def test_an_export_reads_the_same_number_of_queries_for_more_rows(client_as, owner, officer, name):
    client = client_as(officer)  # sees every record grown (incidents without their systems)
    grow(owner, SMALL)
    client.get(reverse(name))  # caches (content types) warm, as on a live server
    small = queries_of(client, reverse(name))
    grow(owner, LARGE)
    large = queries_of(client, reverse(name))
    assert large == small, (name, small, large)
    assert len(csv_rows(client, name)) == 1 + LARGE * (2 if name.startswith("risk") else 1)


def test_the_supplier_export_reads_the_same_number_of_queries_for_more_rows(client_as, officer):
    connect()
    client = client_as(officer)
    url = reverse("suppliers:supplier_export")

    def add(first: int, last: int) -> None:
        for n in range(first, last):
            supplier_services.supplier_create(
                actor=officer, data={"name": f"Vendor {n}", "supplier_type": "model_provider"}
            )

    add(0, SMALL)
    client.get(url)
    small = queries_of(client, url)
    add(SMALL, LARGE)
    assert queries_of(client, url) == small
    supplier = Supplier.objects.select_related("owner").get(name="Vendor 3")
    row = row_of(csv_rows(client, "suppliers:supplier_export"), supplier.reference)
    assert row["Name"] == "Vendor 3"
    assert row["Type"] == supplier.get_supplier_type_display()
    assert row["Criticality"] == supplier.get_criticality_display()
    assert row["Status"] == supplier.get_status_display()
    assert row["Owner"] == display_name(supplier.owner)
    assert row["Approved by"] == ""
    assert row["Trains on our data"] == supplier.get_trains_on_our_data_display()


def test_a_risk_row_says_what_the_risk_says(client_as, named_owner, officer):
    grow(named_owner, 1)
    risk = Risk.objects.select_related("system").order_by("id").first()
    Risk.objects.filter(pk=risk.pk).update(acceptance="accepted", accepted_by=officer)
    risk.refresh_from_db()
    rows = csv_rows(client_as(named_owner), "risk:register_export")
    assert rows[0][:4] == ["Reference", "AI system", "System name", "Title"]
    assert rows[0][-3:] == ["Owner", "Review date", "Methodology version"]
    row = row_of(rows, risk.reference)
    assert row == {
        "Reference": risk.reference,
        "AI system": risk.system.reference,
        "System name": risk.system.name,
        "Title": risk.title,
        "Category": risk.get_category_display(),
        "Risk source": risk.get_risk_source_display(),
        "Inherent likelihood": "4",
        "Inherent impact": "4",
        "Inherent score": "16",
        "Inherent level": risk.get_inherent_level_display(),
        "Treatment": risk.get_treatment_display(),
        "Residual likelihood": "2",
        "Residual impact": "2",
        "Residual score": "4",
        "Residual level": risk.get_residual_level_display(),
        "Acceptance": risk.get_acceptance_display(),
        "Accepted by": display_name(officer),
        "Owner": "Olga Owner",
        "Review date": str(risk.review_date),
        "Methodology version": "1",
    }


def test_an_incident_row_says_what_the_incident_says(client_as, named_owner, officer):
    grow(named_owner, 2)
    first, second = AISystem.objects.order_by("id")[:2]
    incident = Incident.objects.get(system=first)
    with transaction.atomic():
        incident.systems.add(second, first)
    due = timezone.now() - timedelta(hours=5)
    Incident.objects.filter(pk=incident.pk).update(report_due_at=due, serious_case="general")
    incident.refresh_from_db()
    assert incident.lateness().startswith("Report overdue by")
    rows = csv_rows(client_as(officer), "incidents:incident_export")
    row = row_of(rows, incident.reference)
    assert row["Severity"] == incident.get_severity_display()
    assert row["Status"] == incident.get_status_display()
    assert row["Detected through"] == incident.get_detection_channel_display()
    assert row["AI system"] == first.reference and row["System name"] == first.name
    assert row["Affected systems"] == f"{first.reference}, {second.reference}"
    assert row["Owner"] == row["Reported by"] == "Olga Owner"
    assert row["Aware at"] == when(incident.aware_at)
    assert row["Serious incident case"] == incident.get_serious_case_display()
    assert row["Report due at"] == when(due)
    assert row["First report at"] == ""
    assert row["Report lateness"] == incident.lateness()
    assert row["People affected"] == ""
    other = row_of(rows, Incident.objects.get(system=second).reference)
    assert other["Affected systems"] == "" and other["Report lateness"] == ""


def test_an_evidence_row_names_what_it_is_attached_to(client_as, named_owner):
    grow(named_owner, 1)
    piece = Evidence.objects.order_by("id").first()
    system = AISystem.objects.get(pk=piece.target_id)
    rows = csv_rows(client_as(named_owner), "evidence:evidence_export")
    assert rows[0][:5] == ["Reference", "Version", "Title", "Kind", "Attached to"]
    row = row_of(rows, piece.reference)
    assert row["Attached to"] == f"AI system {system.reference}"
    assert row["Kind"] == piece.get_kind_display()
    assert row["Link"] == piece.url and row["Size (bytes)"] == ""
    assert row["Owner"] == "Olga Owner"
    assert row["Added at"] == when(piece.created_at)
    assert row["Valid until"] == "" and row["Superseded at"] == ""
