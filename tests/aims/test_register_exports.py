"""The registers people work in (risks, incidents, corrective actions, evidence, suppliers,
vendor changes), each on the shared list base: its filters narrow the CSV and the XLSX
export alike, the export holds exactly the rows the user may see on every page (another
owner's records never), a title that looks like a formula is defused in both files, a
column header sorts, and a page of 25 rows costs a fixed number of queries."""

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from aims.capa import services as capa_services
from aims.evidence.services import evidence_create
from aims.models import CorrectiveAction
from aims.people import display_name
from incidents import services as incident_services
from incidents.models import Incident
from suppliers import services as supplier_services

from ..factories import make_risk, make_system
from ..suppliers.helpers import connect

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://evil.example","Click")'
DEFUSED = "'" + FORMULA


@dataclass
class Register:
    list_url: str
    csv_url: str
    xlsx_url: str
    title: str = "Title"  # the export's header of the column tests read

    def csv(self, client, query=None) -> list[list[str]]:
        response = client.get(reverse(self.csv_url), query or {})
        assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
        return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))

    def xlsx(self, client, query=None) -> list[list]:
        response = client.get(reverse(self.xlsx_url), query or {})
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        assert ".xlsx" in response["Content-Disposition"]
        book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
        return [list(row) for row in book.active.iter_rows(values_only=True)]

    def titles(self, rows: list[list]) -> list[str]:
        column = rows[0].index(self.title)
        return [row[column] for row in rows[1:]]

    def check_export(self, client, query: dict, present: set[str], absent: set[str]) -> None:
        """Both files hold exactly ``present`` (the formula defused), never ``absent``, with
        the same header."""
        csv_rows, xlsx_rows = self.csv(client, query), self.xlsx(client, query)
        assert csv_rows[0] == list(xlsx_rows[0])
        for rows in (csv_rows, xlsx_rows):
            titles = self.titles(rows)
            assert sorted(titles) == sorted(DEFUSED if t == FORMULA else t for t in present)
            assert FORMULA not in titles and not set(titles) & absent
        assert not any(str(cell).isdigit() for cell in csv_rows[0])

    def check_sort(self, client, key: str) -> None:
        """``?sort=key`` orders the page's header and the export; ``-key`` reverses."""
        page = client.get(reverse(self.list_url), {"sort": key}).content.decode()
        assert 'aria-sort="ascending"' in page and f"sort=-{key}" in page
        up = [t.removeprefix("'") for t in self.titles(self.csv(client, {"sort": key}))]
        down = [t.removeprefix("'") for t in self.titles(self.csv(client, {"sort": f"-{key}"}))]
        assert len(up) > 1 and up == sorted(up) and down == sorted(up, reverse=True)

    def check_page_queries(self, client, django_assert_max_num_queries, most: int) -> None:
        with django_assert_max_num_queries(most):
            response = client.get(reverse(self.list_url))
        assert response.status_code == 200
        assert len(response.context["page_obj"].object_list) == 25


# --- risks ----------------------------------------------------------------------------------

RISKS = Register("risk:register", "risk:register_export", "risk:register_export_xlsx")


def test_risk_register_exports_the_filtered_risks_the_owner_may_see(client_as, owner, other_owner):
    mine, theirs = make_system(owner), make_system(other_owner, name="Their system")
    make_risk(owner, mine, title="Alpha bias", category="fairness")
    make_risk(owner, mine, title=FORMULA, category="fairness")
    make_risk(owner, mine, title="Bravo leak", category="privacy")
    make_risk(other_owner, theirs, title="Their bias", category="fairness")
    client = client_as(owner)
    RISKS.check_export(client, {"category": "fairness"}, {"Alpha bias", FORMULA}, {"Their bias"})
    RISKS.check_export(client, {}, {"Alpha bias", FORMULA, "Bravo leak"}, {"Their bias"})
    rows = RISKS.csv(client, {"q": "Alpha"})
    assert rows[1][rows[0].index("Owner")] == display_name(owner)
    RISKS.check_sort(client, "title")


def test_risk_register_page_costs_a_fixed_number_of_queries(
    client_as, owner, django_assert_max_num_queries
):
    system = make_system(owner)
    for n in range(27):
        make_risk(owner, system, title=f"Risk {n}")
    RISKS.check_page_queries(client_as(owner), django_assert_max_num_queries, 10)


# --- incidents ------------------------------------------------------------------------------

INCIDENTS = Register(
    "incidents:incident_list", "incidents:incident_export", "incidents:incident_export_xlsx"
)


def report(owner, system, title: str, severity: str = "sev3") -> Incident:
    return incident_services.incident_report(
        actor=owner,
        system=system,
        title=title,
        description="What happened.",
        detection_channel="user_complaint",
        category="harmful_output",
        severity=severity,
    )


def test_incident_list_exports_the_filtered_incidents_the_owner_may_see(
    client_as, owner, other_owner, officer, approver
):
    mine, theirs = make_system(owner), make_system(other_owner, name="Their system")
    late = report(owner, mine, "Alpha outage", "sev2")
    report(owner, mine, FORMULA, "sev2")
    report(owner, mine, "Bravo typo", "sev4")
    report(other_owner, theirs, "Their outage", "sev2")
    client = client_as(owner)
    INCIDENTS.check_export(
        client, {"severity": "sev2"}, {"Alpha outage", FORMULA}, {"Their outage"}
    )
    INCIDENTS.check_export(
        client, {"system": mine.pk}, {"Alpha outage", FORMULA, "Bravo typo"}, {"Their outage"}
    )
    # A serious incident whose report to the authority is past due.
    Incident.objects.filter(pk=late.pk).update(report_due_at=timezone.now() - timedelta(hours=2))
    INCIDENTS.check_export(client, {"report_overdue": "on"}, {"Alpha outage"}, {"Bravo typo"})
    rows = INCIDENTS.csv(client, {"q": "Alpha"})
    assert rows[1][rows[0].index("AI system")] == mine.reference
    assert rows[1][rows[0].index("Severity")] == "SEV2 — major"
    # Another owner's system is not a choice the owner is offered: the filter is refused
    # (ignored) and nothing of that system comes out.
    INCIDENTS.check_export(
        client, {"system": theirs.pk}, {"Alpha outage", FORMULA, "Bravo typo"}, {"Their outage"}
    )
    INCIDENTS.check_sort(client, "title")


def test_incident_list_page_costs_a_fixed_number_of_queries(
    client_as, owner, django_assert_max_num_queries
):
    system = make_system(owner)
    for n in range(27):
        report(owner, system, f"Incident {n}")
    INCIDENTS.check_page_queries(client_as(owner), django_assert_max_num_queries, 12)


# --- corrective actions ---------------------------------------------------------------------

CAPAS = Register("capa:capa_list", "capa:capa_export", "capa:capa_export_xlsx")


def open_capa(actor, source, title: str) -> CorrectiveAction:
    return capa_services.capa_create(
        actor=actor,
        source=source,
        title=title,
        nonconformity="Something went wrong",
        action_plan="Fix it",
        due_date=date.today() + timedelta(days=30),
    )


def test_corrective_actions_export_the_filtered_actions_the_owner_may_see(
    client_as, owner, other_owner, officer, approver
):
    mine, theirs = make_system(owner), make_system(other_owner, name="Their system")
    incident, their_incident = report(owner, mine, "Outage"), report(other_owner, theirs, "Leak")
    late = open_capa(owner, incident, "Alpha filter")
    open_capa(owner, incident, FORMULA)
    open_capa(owner, incident, "Bravo retrain")
    open_capa(other_owner, their_incident, "Their filter")
    CorrectiveAction.objects.filter(pk=late.pk).update(due_date=date.today() - timedelta(days=1))
    client = client_as(owner)
    CAPAS.check_export(client, {}, {"Alpha filter", FORMULA, "Bravo retrain"}, {"Their filter"})
    CAPAS.check_export(client, {"overdue": "on"}, {"Alpha filter"}, {"Bravo retrain"})
    CAPAS.check_export(client, {"q": "filter"}, {"Alpha filter"}, {"Their filter"})
    rows = CAPAS.csv(client, {"q": "Alpha"})
    assert rows[1][rows[0].index("Opened on")] == f"Incident {incident.reference}"
    assert rows[1][rows[0].index("Status")] == "Open"
    CAPAS.check_sort(client, "title")


def test_corrective_action_page_costs_a_fixed_number_of_queries(
    client_as, owner, officer, django_assert_max_num_queries
):
    incident = report(owner, make_system(owner), "Outage")
    for n in range(27):
        open_capa(owner, incident, f"Action {n}")
    CAPAS.check_page_queries(client_as(owner), django_assert_max_num_queries, 13)


# --- evidence -------------------------------------------------------------------------------

EVIDENCE = Register(
    "evidence:evidence_list", "evidence:evidence_export", "evidence:evidence_export_xlsx"
)


def pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("report.pdf", b"%PDF-1.4 export test", "application/pdf")


def test_evidence_library_exports_the_filtered_evidence_the_owner_may_see(
    client_as, owner, other_owner
):
    mine, theirs = make_system(owner), make_system(other_owner, name="Their system")
    evidence_create(actor=owner, target=mine, title="Alpha scan", file=pdf())
    evidence_create(actor=owner, target=mine, title=FORMULA, file=pdf())
    evidence_create(actor=owner, target=mine, title="Bravo link", url="https://example.org/b")
    evidence_create(actor=other_owner, target=theirs, title="Their scan", file=pdf())
    client = client_as(owner)
    EVIDENCE.check_export(client, {"kind": "file"}, {"Alpha scan", FORMULA}, {"Their scan"})
    EVIDENCE.check_export(
        client,
        {"target_type": "inventory.aisystem"},
        {"Alpha scan", FORMULA, "Bravo link"},
        {"Their scan"},
    )
    rows = EVIDENCE.csv(client, {"q": "Alpha"})
    assert rows[1][rows[0].index("Attached to")] == f"AI system {mine.reference}"
    assert len(rows[1][rows[0].index("SHA-256")]) == 64
    EVIDENCE.check_sort(client, "title")


def test_evidence_library_page_costs_a_fixed_number_of_queries(
    client_as, owner, django_assert_max_num_queries
):
    system = make_system(owner)
    for n in range(27):
        evidence_create(actor=owner, target=system, title=f"Scan {n}", url=f"https://e.org/{n}")
    EVIDENCE.check_page_queries(client_as(owner), django_assert_max_num_queries, 15)


# --- suppliers and vendor changes ----------------------------------------------------------

SUPPLIERS = Register(
    "suppliers:supplier_list", "suppliers:supplier_export", "suppliers:supplier_export_xlsx", "Name"
)
NOTICES = Register(
    "suppliers:notice_list", "suppliers:notice_export", "suppliers:notice_export_xlsx", "Change"
)


@pytest.fixture
def vendors(officer):
    connect()
    return [
        supplier_services.supplier_create(
            actor=officer,
            data={"name": name, "supplier_type": "model_provider", "criticality": criticality},
        )
        for name, criticality in (("Alpha AI", "high"), (FORMULA, "high"), ("Bravo", "low"))
    ]


def test_supplier_register_exports_the_filtered_suppliers(client_as, vendors, owner, nobody):
    # Suppliers are read by role: every reader sees the whole register, anyone else nothing.
    client = client_as(owner)
    SUPPLIERS.check_export(client, {"criticality": "high"}, {"Alpha AI", FORMULA}, {"Bravo"})
    rows = SUPPLIERS.csv(client, {"q": "Alpha"})
    assert rows[1][rows[0].index("Criticality")] == vendors[0].get_criticality_display()
    SUPPLIERS.check_sort(client, "name")
    client = client_as(nobody)
    for name in (SUPPLIERS.csv_url, SUPPLIERS.xlsx_url):
        response = client.get(reverse(name))
        assert response.status_code == 403 and "Alpha AI" not in response.content.decode()


def test_supplier_register_page_costs_a_fixed_number_of_queries(
    client_as, officer, django_assert_max_num_queries
):
    for n in range(27):
        supplier_services.supplier_create(
            actor=officer, data={"name": f"Vendor {n}", "supplier_type": "model_provider"}
        )
    SUPPLIERS.check_page_queries(client_as(officer), django_assert_max_num_queries, 10)


def notice(officer, supplier, title: str, kind: str = "deprecation"):
    return supplier_services.vendor_change_record(
        actor=officer,
        supplier=supplier,
        data={"affected_service": f"{title} API", "kind": kind, "source": "press", "title": title},
    )


def test_vendor_change_register_exports_the_filtered_notices(
    client_as, vendors, officer, owner, nobody
):
    alpha, _, bravo = vendors
    notice(officer, alpha, "Alpha retired")
    notice(officer, alpha, FORMULA)
    notice(officer, bravo, "Bravo outage", kind="outage")
    client = client_as(owner)
    NOTICES.check_export(
        client, {"kind": "deprecation"}, {"Alpha retired", FORMULA}, {"Bravo outage"}
    )
    NOTICES.check_export(client, {"supplier": bravo.pk}, {"Bravo outage"}, {"Alpha retired"})
    NOTICES.check_export(client, {"q": "Alpha"}, {"Alpha retired"}, {"Bravo outage"})
    rows = NOTICES.csv(client, {"q": "Alpha"})
    assert rows[1][rows[0].index("Supplier")] == alpha.reference
    assert rows[1][rows[0].index("Kind")] == "Deprecation"
    assert rows[1][rows[0].index("Recorded by")] == display_name(officer)
    NOTICES.check_sort(client, "title")
    client = client_as(nobody)
    for name in (NOTICES.list_url, NOTICES.csv_url, NOTICES.xlsx_url):
        assert client.get(reverse(name)).status_code == 403


def test_vendor_change_page_costs_a_fixed_number_of_queries(
    client_as, vendors, officer, django_assert_max_num_queries
):
    for n in range(27):
        notice(officer, vendors[0], f"Change {n}")
    NOTICES.check_page_queries(client_as(officer), django_assert_max_num_queries, 12)
