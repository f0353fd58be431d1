"""The browser list and the API list of a record type show the same records to every role.

DESIGN.md: one visibility rule per record type, used by pages and API alike. For every
register with both a list page and an API list endpoint (PAIRS), each role sees the same set
of human references (AIS-0001, RSK-0001, ...) in the page's main content as in the API's
``reference`` fields. The estate gives two owners systems of their own, records on each, and
an incident that affects a system of each owner.

A meta-test keeps PAIRS complete: a new API list route fails the build until it has a row
here, or an entry in API_LISTS_NOT_COMPARED saying why there is nothing to compare.
"""

import re
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from aims.capa import services as capa_services
from aims.evidence.services import evidence_create
from aims.imports import services as import_services
from aims.imports.models import ImportJob
from aims.models import CorrectiveAction, Evidence
from audits.certification import findings as certification_findings
from audits.certification.models import Certificate, CertificationBody, ExternalAudit
from audits.internal_audits import findings as ia_services
from audits.models import ExternalFinding, Finding, InternalAudit, ManagementReview, PlanTask
from audits.plan import services as plan_services
from audits.reviews import services as reviews
from incidents import services as incident_services
from incidents.models import Incident
from inventory.models import AISystem
from risk.models import Risk
from suppliers import services as supplier_services
from suppliers.models import Supplier, VendorChangeNotice

from ..audits import test_internal_audits as ia
from ..audits.certification import audit_helpers as cert
from ..factories import make_risk, make_system
from ..suppliers.helpers import connect, link_component, make_supplier
from .cases_certification_findings import make_audit as certification_audit
from .world import application_routes

pytestmark = pytest.mark.django_db

ROLES = ("officer", "approver", "auditor", "owner", "other_owner", "nobody")


@dataclass(frozen=True)
class ListPair:
    kind: str
    page: str  # URL name of the browser list
    api: str  # URL name of the API list
    model: type
    bugs: dict[str, str] = field(default_factory=dict)  # role -> known bug (strict xfail)

    @property
    def prefix(self) -> str:
        return self.model.REFERENCE_PREFIX


PAIRS = [
    ListPair("systems", "inventory:system_list", "api:system-list", AISystem),
    ListPair("risks", "risk:register", "api:risk-list", Risk),
    ListPair("incidents", "incidents:incident_list", "api:incident-list", Incident),
    ListPair("suppliers", "suppliers:supplier_list", "api:supplier-list", Supplier),
    ListPair(
        "vendor changes", "suppliers:notice_list", "api:vendorchange-list", VendorChangeNotice
    ),
    ListPair("evidence library", "evidence:evidence_list", "api:evidence-library-list", Evidence),
    ListPair("corrective actions", "capa:capa_list", "api:correctiveaction-list", CorrectiveAction),
    ListPair(
        "internal audits", "internal_audits:audit_list", "api:internalaudit-list", InternalAudit
    ),
    ListPair("findings", "internal_audits:finding_list", "api:finding-list", Finding),
    ListPair(
        "certification findings",
        "certification:finding_list",
        "api:externalfinding-list",
        ExternalFinding,
    ),
    ListPair(
        "management reviews",
        "internal_audits:review_list",
        "api:managementreview-list",
        ManagementReview,
    ),
    ListPair("plan tasks", "plan:progress", "api:plantask-list", PlanTask),
    ListPair(
        "certification bodies",
        "certification:body_list",
        "api:certificationbody-list",
        CertificationBody,
    ),
    ListPair(
        "external audits", "certification:audit_list", "api:externalaudit-list", ExternalAudit
    ),
    ListPair("certificates", "certification:certificate_list", "api:certificate-list", Certificate),
    ListPair("imports", "imports:import_list", "api:importjob-list", ImportJob),
]

# API lists with no counterpart to compare here, and why. A new API list route must be added
# to PAIRS or here.
API_LISTS_NOT_COMPARED = {
    "api:notification-list": "personal, and the page marks them read",
    "api:comment-list": "search+comments: a record's thread, shown on that record's page",
    "api:intakedraft-list": "personal: the author's own drafts (tests/inventory/test_journey.py)",
    "api:apitoken-list": "personal: one's own tokens (officers filter by person); page and API "
    "read one selector (aims.accounts.selectors.token_list; tests/aims/accounts)",
    "api:serviceaccount-list": "officers only, no reference; page and API read one selector "
    "(aims.accounts.selectors.service_account_list; tests/aims/accounts)",
    "api:signinevent-list": "sign-in events have no human reference; officers only, page and "
    "API read one selector (tests/aims/signins/test_events.py)",
    "api:webhooksubscription-list": "webhook subscriptions have no human reference; officers "
    "only, page and API read one selector (aims.webhooks.selectors; tests/aims/webhooks)",
    "api:modelregistrylink-list": "registry links have no human reference; page and API read "
    "one selector (inventory.registry.selectors.link_list; tests/inventory/"
    "test_model_registry_pages.py compares them per role)",
    # Records shown on their parent's page (a system's tabs, a review, an audit), not in a
    # list page of their own.
    "api:component-list": "shown on the system page",
    "api:dataset-list": "shown on the system page",
    "api:approval-list": "shown on the system page",
    "api:approvalcondition-list": "shown on the system page (gates tab)",
    "api:validationrecord-list": "shown on the system page",
    "api:changerequest-list": "shown on the system page",
    "api:evidence-list": "evidence attached to one record, shown on that record's page",
    "api:componentobservation-list": "shown on the component",
    "api:classification-list": "shown on the system's risk page",
    "api:tierdecision-list": "shown on the system's risk page",
    "api:riskassessment-list": "shown on the system's risk page",
    "api:impactassessment-list": "shown on the system's risk page",
    "api:treatmentaction-list": "shown on the risk page",
    "api:supplierreview-list": "shown on the supplier page",
    "api:reviewanswer-list": "shown on the review page",
    "api:vendorchangeimpact-list": "shown on the notice page",
    "api:policyversion-list": "shown on the policy page",
    "api:responsibilityassignment-list": "shown on the responsibility page",
    "api:metric-list": "shown on the system's monitoring page",
    "api:observation-list": "shown on the metric",
    "api:alert-list": "shown on the system's monitoring page",
    "api:checklistitem-list": "shown on the audit page",
    "api:reviewaction-list": "shown on the management review page",
    "api:audit-trail-checkpoint-list": "shown on the audit-trail page",
    "api:audit-trail-adoption-list": "shown on the audit-trail page",
    # Settings and reference tables: the same rows for every reader, no human reference.
    "api:gatesetting-list": "settings table",
    "api:methodology-list": "settings table",
    "api:obligationtimeline-list": "settings table",
    "api:tierrequirement-list": "settings table",
    "api:incidenttimetarget-list": "settings table",
    "api:reminderrule-list": "settings table",
    "api:schedule-list": "settings table (reminder schedules, in words)",
    "api:reviewquestion-list": "question catalogue, no human reference",
    "api:catalogueitem-list": "control catalogue, no human reference",
    "api:controlstatement-list": "one statement per control, no human reference",
    "api:iso27001control-list": "one record per ISO/IEC 27001 control, read by role alone, "
    "no human reference (tests/audits/iso27001/test_pages.py compares codes)",
    "api:iso27001mapping-list": "read by role alone, no human reference",
    "api:soaversion-list": "no human reference",
    # Registers of the management-system core without a human reference to compare by yet.
    "api:interestedparty-list": "no human reference",
    "api:partyfeedback-list": "no human reference",
    "api:contextissue-list": "no human reference",
    "api:policy-list": "one policy register read by role, no per-record visibility",
    "api:objective-list": "no per-user visibility",
    "api:course-list": "no human reference",
    "api:trainingrecord-list": "no human reference",
    "api:responsibility-list": "no human reference",
    "api:auditprogramme-list": "no human reference",
    "api:evidencepack-list": "packs are the auditor's downloads, listed with their jobs",
    "api:auditoraccess-list": "shown on the external audit's access page, no human reference",
}


# --- The estate -----------------------------------------------------------------------------


def pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 parity", "application/pdf")


def report(actor, system, title, *, others=()):
    return incident_services.incident_report(
        actor=actor,
        system=system,
        other_systems=others,
        title=title,
        description="Seen in production",
        detection_channel="user_complaint",
        category="inaccurate",
        severity="sev3",
    )


@pytest.fixture
def estate(officer, approver, auditor, owner, other_owner, nobody):
    """Two owners with systems, risks, incidents, evidence and corrective actions of their
    own; an incident on a system of each; suppliers, a vendor change, an audit with a finding
    and a management review made by the officer."""
    connect()
    alpha = make_system(owner, name="Alpha chatbot")
    beta = make_system(other_owner, name="Beta scorer")
    make_system(owner, name="Gamma summariser")
    make_risk(owner, alpha, title="Alpha invents refund rules")
    make_risk(other_owner, beta, title="Beta scores unfairly")
    own = report(owner, alpha, "Alpha gave a wrong refund")
    theirs = report(other_owner, beta, "Beta score drifted")
    shared = report(officer, alpha, "Shared feature store leaked", others=[beta])
    evidence_create(actor=owner, target=alpha, title="Alpha DPIA", file=pdf("alpha.pdf"))
    evidence_create(actor=other_owner, target=beta, title="Beta DPIA", file=pdf("beta.pdf"))
    evidence_create(actor=officer, target=shared, title="Leak log", file=pdf("leak.pdf"))
    evidence_create(actor=owner, target=own, title="Refund chat", file=pdf("chat.pdf"))
    due = timezone.localdate() + timedelta(days=30)
    for incident, capa_owner in ((own, owner), (theirs, other_owner), (shared, officer)):
        capa_services.capa_create(
            actor=officer,
            source=incident,
            title=f"Fix: {incident.title}",
            nonconformity="It happened",
            action_plan="Stop it happening again",
            due_date=due,
            owner=capa_owner,
        )
    supplier = make_supplier(officer)
    make_supplier(officer, name="Unused vendor")
    link_component(owner, alpha, supplier)
    supplier_services.vendor_change_record(
        actor=officer,
        supplier=supplier,
        data={
            "affected_service": "acme-llm",
            "kind": "new_model_version",
            "source": "vendor_notice",
            "title": "acme-llm 2026-06 replaces 2026-01",
        },
    )
    heading = ia.catalogue_item("X.1", "Test policies", heading=True)
    ia.catalogue_item("X.1.1", "Test AI policy", parent=heading)
    audit = ia.plan(officer, lead=approver, controls=[heading], systems=[alpha])
    running = ia.started(officer, audit)
    ia_services.finding_raise(
        actor=officer,
        audit=running,
        kind=Finding.Kind.OBSERVATION,
        title="Policy not communicated",
        description="Staff had not read the AI policy.",
    )
    body_audit = certification_audit(officer)
    for title, finding_owner in (("Logs not kept", owner), ("Risk not reassessed", other_owner)):
        certification_findings.record_finding(
            audit=body_audit,
            actor=officer,
            kind=ExternalFinding.Kind.MINOR,
            title=title,
            description="Seen by the body",
            clauses=[ia.catalogue_item("X.1.1", "Test AI policy")],
            response_due=due,
            owner=finding_owner,
        )
    reviews.review_create(
        actor=officer, title="Annual management review", meeting_date=timezone.localdate(),
        chair=officer, since=None,
    )  # fmt: skip
    for task_owner in (owner, other_owner, officer):
        plan_services.task_create(
            actor=officer, title=f"Plan task of {task_owner.username}", phase=1,
            owner=task_owner, due_date=due,
        )  # fmt: skip
    cert.certified(officer)  # a body, its stage 2, the certificate and its planned cycle
    for uploader in (officer, owner, other_owner):  # each sees their own imports
        import_services.import_upload(
            actor=uploader, kind="systems",
            uploaded=SimpleUploadedFile("parity.csv", b"Name\r\nParity import\r\n"),
        )  # fmt: skip
    return {"alpha": alpha, "beta": beta, "shared": shared}


# --- Reading both lists ---------------------------------------------------------------------


def page_references(client, pair: ListPair) -> set[str] | None:
    """References of ``pair``'s kind in the main content of its list page; None if the page
    refuses the user."""
    response = client.get(reverse(pair.page))
    if response.status_code in (403, 404):
        return None
    assert response.status_code == 200, (pair.page, response.status_code)
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    assert "?page=2" not in main, f"{pair.page}: more than one page; widen the page size"
    text = re.sub(r"<[^>]*>", " ", main)  # shown text only, not a search box's placeholder
    return set(re.findall(rf"\b{pair.prefix}-\d{{4,}}\b", text))


def api_references(client, pair: ListPair) -> set[str] | None:
    """References returned by the API list, every page followed; None if refused."""
    url = f"{reverse(pair.api)}?page_size=100"
    found: list[str] = []
    while url:
        response = client.get(url)
        if response.status_code in (403, 404):
            assert response.json()["code"] in ("permission_denied", "not_found")
            return None
        assert response.status_code == 200, (pair.api, response.status_code)
        body = response.json()
        rows = body["results"] if isinstance(body, dict) else body
        found += [row["reference"] for row in rows]
        url = body.get("next") if isinstance(body, dict) else None
    assert len(found) == len(set(found)), f"{pair.api}: a record listed twice"
    return set(found)


def params():
    for pair in PAIRS:
        for role in ROLES:
            marks = []
            if role in pair.bugs:
                marks.append(pytest.mark.xfail(strict=True, reason=pair.bugs[role]))
            yield pytest.param(pair, role, id=f"{pair.kind}|{role}", marks=marks)


@pytest.fixture
def both_lists(estate, request, client, api):
    def read(pair: ListPair, role: str) -> tuple[set[str] | None, set[str] | None]:
        user = request.getfixturevalue(role)
        client.force_login(user)
        api.force_authenticate(user)
        return page_references(client, pair), api_references(api, pair)

    return read


@pytest.mark.parametrize("pair", PAIRS, ids=[p.kind for p in PAIRS])
def test_the_officer_sees_every_record_in_both_lists(pair, both_lists):
    """The estate has records of every kind, and the officer (who sees everything) finds
    all of them in both lists: the comparison below compares something."""
    everything = {record.reference for record in pair.model.objects.all()}
    assert everything, f"the estate made no {pair.kind}"
    page, api = both_lists(pair, "officer")
    assert page == everything
    assert api == everything


@pytest.mark.parametrize("pair,role", list(params()))
def test_page_and_api_list_the_same_records(pair, role, both_lists):
    page, api = both_lists(pair, role)
    # A refusal on one side must show nothing on the other.
    assert (page or set()) == (api or set()), (pair.kind, role, page, api)


def test_owners_see_different_records(estate, both_lists):
    """The estate separates the owners, so parity is not only "everyone sees everything"."""
    systems = PAIRS[0]
    owner_page, _ = both_lists(systems, "owner")
    other_page, _ = both_lists(systems, "other_owner")
    assert estate["alpha"].reference in owner_page - other_page
    assert estate["beta"].reference in other_page - owner_page
    incidents = PAIRS[2]
    owner_incidents, _ = both_lists(incidents, "owner")
    other_incidents, _ = both_lists(incidents, "other_owner")
    assert estate["shared"].reference in owner_incidents & other_incidents
    assert owner_incidents != other_incidents


@pytest.mark.parametrize(
    "role",
    [
        "owner",  # owns the incident's primary system
        "other_owner",  # owns a secondary affected system: sees the incident, so its evidence
    ],
)
def test_evidence_on_an_incident_is_listed_to_whoever_sees_the_incident(role, estate, both_lists):
    shared = estate["shared"]
    leak_log = Evidence.objects.get(title="Leak log").reference
    incidents, _ = both_lists(PAIRS[2], role)
    assert shared.reference in incidents
    evidence = next(p for p in PAIRS if p.kind == "evidence library")
    page, api = both_lists(evidence, role)
    assert leak_log in page and leak_log in api, (role, page, api)


# --- Meta-test: every API list is compared or says why not ----------------------------------


def test_every_api_list_has_a_row_or_a_reason():
    lists = {r.name for r in application_routes() if r.name and r.name.endswith("-list")}
    lists = {name for name in lists if name.startswith("api:")}
    compared = {pair.api for pair in PAIRS}
    assert compared & set(API_LISTS_NOT_COMPARED) == set()
    missing = lists - compared - set(API_LISTS_NOT_COMPARED)
    assert not missing, f"API lists without a parity row (or a reason in the table): {missing}"
    stale = (compared | set(API_LISTS_NOT_COMPARED)) - lists
    assert not stale, f"rows for API lists that no longer exist: {stale}"
    pages = {r.name for r in application_routes()}
    assert {pair.page for pair in PAIRS} <= pages
