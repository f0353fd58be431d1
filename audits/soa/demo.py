"""Demo Statement of Applicability, played through the services: owners and statuses for a
realistic share of the catalogue, two justified exclusions, link evidence (one of it
expired, so the gap list has something to say), one approved SoA version, then changes made
after it so that comparing version 1 with the current SoA shows them.

Idempotent: statements are set to fixed values (saved only when they differ), evidence is
keyed by title on its statement, and the version and the later changes happen only when no
version exists yet. Called by audits/demo.py."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from aims.evidence.services import evidence_create
from aims.models import Evidence
from inventory.models import AISystem
from risk.models import Risk

from ..models import ControlStatement, SoAVersion
from . import services

User = get_user_model()
IMPLEMENTED, PARTIAL, PLANNED = "implemented", "partial", "planned"

# code: (owner username, status, how it is implemented)
STATEMENTS: dict[str, tuple[str, str, str]] = {
    "4.1": ("officer", IMPLEMENTED, "Context register reviewed each quarter."),
    "4.2": ("officer", IMPLEMENTED, "Interested-parties register kept with the AI committee."),
    "4.3": ("officer", IMPLEMENTED, "Scope approved by the board; in-scope flag per system."),
    "4.4": ("officer", PARTIAL, "Process map drafted; two processes still undocumented."),
    "5.1": ("approver", IMPLEMENTED, "AI committee chaired by the COO meets monthly."),
    "5.2": ("officer", IMPLEMENTED, "AI policy v2 published and acknowledged."),
    "5.3": ("officer", IMPLEMENTED, "Responsibilities register with named holders."),
    "6.1.1": ("officer", IMPLEMENTED, "Risk methodology v1 with appetite 'medium'."),
    "6.1.2": ("officer", IMPLEMENTED, "Risk assessment at intake and yearly."),
    "6.1.3": ("officer", PARTIAL, "SoA approved; treatment plans for two systems pending."),
    "6.1.4": ("officer", PARTIAL, "Impact assessment template in use for high tiers."),
    "6.2": ("officer", PARTIAL, "Three AI objectives with targets."),
    "7.2": ("officer", IMPLEMENTED, "Training records with expiry for every role."),
    "7.3": ("officer", PARTIAL, "AI literacy course rolled out to 70% of staff."),
    "7.5.2": ("officer", IMPLEMENTED, "Versioned documents with approver and date."),
    "7.5.3": ("officer", IMPLEMENTED, "Append-only history and sealed audit trail."),
    "8.1": ("officer", PARTIAL, "Gates enforce the tier requirements."),
    "8.2": ("owner", PARTIAL, "Assessments current for deployed systems."),
    "9.1": ("officer", PARTIAL, "Monitoring metrics on the two deployed systems."),
    "9.2.2": ("officer", PLANNED, "First internal audit planned next quarter."),
    "10.2": ("officer", PARTIAL, "Corrective actions opened from incidents."),
    "A.2.2": ("officer", IMPLEMENTED, "AI policy published on the intranet."),
    "A.2.3": ("officer", PARTIAL, "Security and privacy policies cross-reference the AI policy."),
    "A.2.4": ("officer", PLANNED, "Yearly review scheduled with the AI committee."),
    "A.3.2": ("officer", IMPLEMENTED, "Roles defined in the responsibilities register."),
    "A.3.3": ("officer", IMPLEMENTED, "Whistleblowing line covers AI concerns."),
    "A.4.2": ("owner", IMPLEMENTED, "Components and datasets recorded per system."),
    "A.4.3": ("owner", IMPLEMENTED, "Dataset records with source and personal-data flags."),
    "A.4.4": ("owner", PARTIAL, "Model and library versions recorded for two systems."),
    "A.4.6": ("officer", IMPLEMENTED, "Owners and oversight persons named, trained."),
    "A.5.2": ("officer", IMPLEMENTED, "Impact assessment procedure and template."),
    "A.5.3": ("officer", PARTIAL, "Signed-off assessments kept with each system."),
    "A.5.4": ("owner", PARTIAL, "Individual impacts assessed for the CV screener."),
    "A.6.1.3": ("owner", PARTIAL, "Development procedure with intake and release gates."),
    "A.6.2.2": ("owner", IMPLEMENTED, "Intake form captures requirements."),
    "A.6.2.4": ("owner", PARTIAL, "Bias and accuracy tests before release."),
    "A.6.2.5": ("owner", PLANNED, "Release criteria per tier."),
    "A.6.2.6": ("owner", PARTIAL, "Monitoring with alerts on deployed systems."),
    "A.7.4": ("owner", PLANNED, "Data quality criteria to be defined per dataset."),
    "A.8.2": ("owner", PARTIAL, "Chatbot discloses that it is an AI."),
    "A.8.4": ("officer", IMPLEMENTED, "Incident communication plan with Art. 73 clocks."),
    "A.9.2": ("officer", PARTIAL, "Acceptable-use rules for generative AI."),
    "A.9.4": ("owner", PARTIAL, "Intended purpose recorded on every system."),
    "A.10.3": ("officer", IMPLEMENTED, "Supplier due diligence before approval."),
}

EXCLUDED_BEFORE_VERSION = {
    "A.10.4": "We provide no AI system or AI-based service to customers: all AI use is "
    "internal, so there are no customer expectations to address under this control.",
}
EXCLUDED_AFTER_VERSION = {
    "A.7.6": "No model is trained or fine-tuned in-house; data preparation is done by the "
    "model providers and covered by supplier due diligence (A.10.3).",
}

CHANGED_AFTER_VERSION = {
    "A.2.4": {
        "implementation_status": PARTIAL,
        "implementation_notes": "First yearly review under way with the AI committee.",
    },
}

# code: (title, url, days of validity from today; negative: already expired)
EVIDENCE: dict[str, tuple[str, str, int]] = {
    "4.1": ("Context issues register", "https://intranet.example.org/aims/context", 120),
    "4.2": ("Interested parties register", "https://intranet.example.org/aims/parties", 120),
    "5.1": ("AI committee minutes", "https://intranet.example.org/aims/committee", 60),
    "6.1.2": ("Risk assessment procedure", "https://intranet.example.org/aims/ra", 365),
    "7.5.3": ("Audit-trail verification report", "https://intranet.example.org/aims/trail", 30),
    "A.4.2": ("Inventory export", "https://intranet.example.org/aims/inventory", 90),
    "A.4.3": ("Dataset register export", "https://intranet.example.org/aims/datasets", 90),
    "A.4.6": ("Oversight persons and training", "https://intranet.example.org/hr/oversight", 90),
    "4.3": ("AIMS scope statement (board minutes)", "https://intranet.example.org/aims/scope", 300),
    "5.2": ("AI policy v2", "https://intranet.example.org/policies/ai-policy", 330),
    "5.3": ("Responsibilities register", "https://intranet.example.org/aims/roles", 200),
    "6.1.1": ("Risk methodology", "https://intranet.example.org/aims/risk-method", 365),
    "7.2": ("Training matrix export", "https://intranet.example.org/hr/training", 90),
    "A.2.2": ("AI policy v2 on the intranet", "https://intranet.example.org/policies/ai", 330),
    "A.3.2": ("Responsibilities register", "https://intranet.example.org/aims/roles", 200),
    "A.3.3": ("Whistleblowing procedure", "https://intranet.example.org/hr/speak-up", -20),
    "A.5.2": ("Impact assessment procedure", "https://intranet.example.org/aims/ia", 250),
    "A.8.4": ("Incident communication plan", "https://intranet.example.org/aims/incidents", 180),
    "A.10.3": ("Supplier due-diligence procedure", "https://intranet.example.org/proc/ai", 400),
}


def _users() -> dict:
    names = {owner for owner, _, _ in STATEMENTS.values()}
    return {u.username: u for u in User.objects.filter(username__in=names)}


def _set(officer, statement: ControlStatement, data: dict, reason: str) -> bool:
    differs = {k: v for k, v in data.items() if getattr(statement, k) != v}
    if not differs:
        return False
    services.statement_update(actor=officer, statement=statement, data=differs, reason=reason)
    return True


def load(*, stdout) -> None:
    users = _users()
    officer = users.get("officer")
    approver = User.objects.filter(username="approver").first()
    if officer is None or approver is None or "owner" not in users:
        stdout.write("SoA demo: skipped (demo users missing)")
        return
    statements = {s.item.code: s for s in ControlStatement.objects.select_related("item", "owner")}
    changed = 0
    approved = SoAVersion.objects.exists()
    for code, (owner, status, notes) in STATEMENTS.items():
        if approved and code in CHANGED_AFTER_VERSION:
            continue  # changed on purpose after version 1: leave it for the comparison
        data = {"owner": users[owner], "implementation_status": status}
        data["implementation_notes"] = notes
        changed += _set(officer, statements[code], data, "Demo SoA")
    for code, why in EXCLUDED_BEFORE_VERSION.items():
        data = {"applicable": False, "justification": why, "owner": officer}
        changed += _set(officer, statements[code], data, "Demo SoA: exclusion")
    today = timezone.localdate()
    attached = 0
    for code, (title, url, days) in EVIDENCE.items():
        statement = statements[code]
        if (
            Evidence.objects.filter(target_id=statement.pk, title=title)
            .filter(target_type__app_label="audits", target_type__model="controlstatement")
            .exists()
        ):
            continue
        evidence_create(
            actor=officer,
            target=statement,
            title=title,
            url=url,
            valid_from=today - timedelta(days=60),
            valid_until=today + timedelta(days=days),
        )
        attached += 1
    _link_records(officer, statements)
    if not SoAVersion.objects.exists():
        services.soa_version_approve(
            actor=approver, note="First SoA, approved by the AI committee."
        )
        for code, why in EXCLUDED_AFTER_VERSION.items():
            _set(officer, statements[code], {"applicable": False, "justification": why,
                                             "owner": officer}, "Demo SoA: exclusion")  # fmt: skip
        for code, data in CHANGED_AFTER_VERSION.items():
            statement = ControlStatement.objects.get(item__code=code)
            _set(officer, statement, data, "Demo SoA: change after version 1")
        stdout.write("SoA demo: version 1 approved, then two changes for comparison.")
    stdout.write(f"SoA demo: {changed} statements set, {attached} evidence attached.")
    _assign_gaps(officer, users["owner"], approver, stdout)


# Readiness gaps the demo officer assigns (control not ready: to whom, due in how many days).
GAP_ASSIGNMENTS = {"A.6.2.6": ("owner", 21), "A.9.3": ("approver", -5)}


def _assign_gaps(officer, owner, approver, stdout) -> None:
    """Two readiness gaps assigned through the service, one of them overdue (its due date is
    moved back afterwards: the service accepts no past date), once only."""
    from aims.errors import BusinessRuleError

    from ..models import GapAssignment
    from .assignments import gap_assign

    if GapAssignment.objects.exists():
        return
    people = {"owner": owner, "approver": approver}
    today = timezone.localdate()
    for code, (who, days) in GAP_ASSIGNMENTS.items():
        try:
            assignment = gap_assign(
                actor=officer,
                kind="not_ready",
                record=code,
                owner=people[who],
                due_date=today + timedelta(days=max(days, 1)),
                note="Demo: assigned at the readiness review.",
            )
        except BusinessRuleError:  # the control is ready in this database: nothing to assign
            continue
        if days < 0:
            GapAssignment.objects.filter(pk=assignment.pk).update(
                due_date=today + timedelta(days=days)
            )
    stdout.write(f"SoA demo: {GapAssignment.objects.count()} readiness gaps assigned.")


def _link_records(officer, statements: dict[str, ControlStatement]) -> None:
    """Link the demo's risks and systems to the controls they rely on (added, never
    removed), through the service."""
    links = {
        "risks": (list(Risk.objects.order_by("id")[:3]), ("A.6.2.4", "A.7.4")),
        "systems": (
            list(AISystem.objects.filter(lifecycle_stage="deployed").order_by("id")[:3]),
            ("A.6.2.6", "A.9.4"),
        ),
    }
    for field, (records, codes) in links.items():
        for code in codes:
            current = set(getattr(statements[code], field).all())
            if records and not set(records) <= current:
                services.statement_update(
                    actor=officer,
                    statement=statements[code],
                    data={field: [*current, *records]},
                    reason=f"Demo SoA: {field} linked",
                )
