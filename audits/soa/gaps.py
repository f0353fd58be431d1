"""The gap list: what stands between the AIMS and certification, each gap with what to do
next and a link to the record to fix.

Traceability checks (each one query, restricted to what the user may see):

- an Annex A control excluded from the SoA although a risk's treatment relies on it;
- a requirement or control marked implemented whose evidence is missing or out of date;
- a deployed AI system whose tier needs a signed-off impact assessment that it lacks;
- reviews overdue: AI systems, risks, suppliers, policies;
- nonconformities (major and minor findings) without a corrective action;
- SEV1/SEV2 incidents without a corrective action;
- high-tier systems in use with no oversight person, or one whose required training has
  lapsed since they were named (without a recorded exception);
- members of the AI committee (the Approver role) without in-date approver training and
  without a recorded exception;
- training exceptions that end within 30 days, or have ended, while the holder still lacks
  the training.

Then the readiness gaps: each requirement or control that is not ready yet.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from aims.competence.selectors import (
    DEFAULT_EXPIRING_DAYS,
    exceptions_ending,
    sees_everyones_training,
    training_exceptions,
    untrained_for,
)
from aims.competence.services import (
    APPROVER,
    HIGH_TIERS,
    HUMAN_OVERSIGHT,
    oversight_scope,
)
from aims.models import (
    CorrectiveAction,
    Policy,
)
from aims.people import display_name
from aims.permissions import has_global_perm
from aims.visibility import restrict
from incidents.models import NEEDS_CORRECTIVE_ACTION, Incident
from incidents.models import Status as IncidentStatus
from incidents.selectors import visible_incidents
from inventory.models import AISystem, LifecycleStage
from risk.models import ImpactAssessment, TierRequirement
from risk.selectors import risk_list, visible_systems
from suppliers.models import SupplierStatus
from suppliers.selectors import supplier_list

from ..models import ControlStatement, Finding
from .readiness import Readiness, evidence_state, readiness

HIGH, MEDIUM, LOW = "high", "medium", "low"
SEVERITY_ORDER = {HIGH: 0, MEDIUM: 1, LOW: 2}
#: A gap's severity in words ("low" gaps are the ones simply still to do).
SEVERITY_LABELS = {HIGH: "High", MEDIUM: "Medium", LOW: "To do"}
SEVERITIES = tuple(SEVERITY_ORDER)

KINDS = {
    "excluded_relied_on": "Excluded control relied on by a risk",
    "implemented_without_evidence": "Implemented without in-date evidence",
    "impact_assessment_missing": "Impact assessment not signed off",
    "review_overdue": "Review overdue",
    "nonconformity_without_action": "Nonconformity without corrective action",
    "incident_without_action": "Serious incident without corrective action",
    "oversight_not_assured": "Human oversight not assured",
    "approver_not_trained": "Approver without in-date training",
    "training_exception_ending": "Training exception ending or ended",
    "not_ready": "Not ready yet",
}
CONTROL_KINDS = ("excluded_relied_on", "implemented_without_evidence")
INACTIVE_STAGES = (LifecycleStage.RETIRED, LifecycleStage.REJECTED)


@dataclass(frozen=True)
class Gap:
    kind: str
    severity: str
    record: str  # the record's reference or code, e.g. "A.7.4" or "RSK-0003"
    message: str  # what is wrong
    action: str  # what to do next
    url: str  # the page of the record to fix ("" when that page is not available)

    @property
    def kind_label(self) -> str:
        return KINDS[self.kind]


def link(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:  # the page belongs to an app part that is not mounted
        return ""


def control_url(statement_pk: int) -> str:
    return link("soa:statement_detail", statement_pk)


# --- Traceability checks -------------------------------------------------------------------


def excluded_relied_on(user, today: date) -> list[Gap]:
    through = ControlStatement.risks.through.objects.filter(
        controlstatement__applicable=False,
        risk__in=risk_list(user=user).values("pk"),
    ).select_related("controlstatement__item", "risk")
    return [
        Gap(
            "excluded_relied_on",
            HIGH,
            row.controlstatement.item.code,
            f"{row.controlstatement.item.code} is excluded from the SoA, but the treatment of "
            f"{row.risk.reference} ({row.risk.title}) relies on it.",
            "Include the control and implement it, or change the risk's treatment so it no "
            "longer relies on it.",
            control_url(row.controlstatement_id),
        )
        for row in through.order_by("controlstatement__item__sort_key", "risk_id")
    ]


def implemented_without_evidence(user, today: date) -> list[Gap]:
    statements = list(
        ControlStatement.objects.filter(
            applicable=True, implementation_status=ControlStatement.Implementation.IMPLEMENTED
        )
        .select_related("item")
        .order_by("item__sort_key")
    )
    state = evidence_state(statement_ids=[s.pk for s in statements], today=today)
    gaps = []
    for s in statements:
        if s.pk in state.in_date:
            continue
        if s.pk in state.latest_expiry:
            problem = f"its evidence expired on {state.latest_expiry[s.pk]:%d %b %Y}"
        elif s.pk in state.any_current:
            problem = "its evidence is not valid yet"
        else:
            problem = "it has no evidence"
        gaps.append(
            Gap(
                "implemented_without_evidence",
                HIGH,
                s.item.code,
                f"{s.item.code} {s.item.title} is marked implemented, but {problem}.",
                "Attach current evidence, or set the implementation status back.",
                control_url(s.pk),
            )
        )
    return gaps


def impact_assessment_missing(user, today: date) -> list[Gap]:
    tiers = TierRequirement.objects.filter(impact_assessment=True).values("tier")
    signed = ImpactAssessment.objects.filter(
        system=OuterRef("pk"), status=ImpactAssessment.Status.SIGNED_OFF
    )
    systems = (
        visible_systems(user)
        .filter(lifecycle_stage=LifecycleStage.DEPLOYED, in_aims_scope=True, risk_tier__in=tiers)
        .filter(~Exists(signed))
        .order_by("id")
    )
    return [
        Gap(
            "impact_assessment_missing",
            HIGH,
            system.reference,
            f"{system.reference} {system.name} is deployed at tier "
            f"{system.get_risk_tier_display()}, which needs a signed-off impact assessment; "
            "none is signed off.",
            "Complete the impact assessment and have it signed off.",
            link("risk:system_risk", system.pk),
        )
        for system in systems
    ]


def _overdue(record: str, what: str, due: date, url: str) -> Gap:
    return Gap(
        "review_overdue",
        MEDIUM,
        record,
        f"The review of {what} was due on {due:%d %b %Y}.",
        "Review it and set the next review date.",
        url,
    )


def reviews_overdue(user, today: date) -> list[Gap]:
    gaps = []
    systems = (
        visible_systems(user)
        .filter(next_review_date__lt=today)
        .exclude(lifecycle_stage__in=INACTIVE_STAGES)
        .order_by("next_review_date", "id")
    )
    gaps += [
        _overdue(
            s.reference,
            f"AI system {s.reference} {s.name}",
            s.next_review_date,
            link("inventory:system_detail", s.pk),
        )
        for s in systems
    ]
    risks = (
        risk_list(user=user)
        .filter(review_date__lt=today)
        .exclude(system__lifecycle_stage__in=INACTIVE_STAGES)
        .order_by("review_date", "id")
    )
    gaps += [
        _overdue(
            r.reference,
            f"risk {r.reference} {r.title}",
            r.review_date,
            link("risk:risk_detail", r.pk),
        )
        for r in risks
    ]
    suppliers = (
        supplier_list(user=user)
        .filter(next_reassessment_date__lt=today)
        .exclude(status=SupplierStatus.OFFBOARDED)
        .order_by("next_reassessment_date", "id")
    )
    gaps += [
        _overdue(
            s.reference,
            f"supplier {s.reference} {s.name}",
            s.next_reassessment_date,
            link("suppliers:supplier_detail", s.pk),
        )
        for s in suppliers
    ]
    if has_global_perm(user, "aims.view_policy"):
        policies = Policy.objects.filter(next_review_date__lt=today).order_by(
            "next_review_date", "id"
        )
        gaps += [
            _overdue(
                p.reference,
                f"policy {p.reference} {p.title}",
                p.next_review_date,
                link("ms:policy_detail", p.pk),
            )
            for p in policies
        ]
    return gaps


def _without_capa(model) -> Exists:
    return ~Exists(
        CorrectiveAction.objects.filter(
            source_type=ContentType.objects.get_for_model(model), source_id=OuterRef("pk")
        )
    )


def _finding_url(finding: Finding) -> str:
    return link("internal_audits:finding_detail", finding.pk) or link(
        "internal_audits:audit_detail", finding.audit_id
    )


def nonconformities_without_action(user, today: date) -> list[Gap]:
    if not has_global_perm(user, "audits.view_finding"):
        return []
    findings = (
        Finding.objects.filter(
            kind__in=(Finding.Kind.MAJOR, Finding.Kind.MINOR), status=Finding.Status.OPEN
        )
        .filter(_without_capa(Finding))
        .order_by("created_at", "id")
    )
    return [
        Gap(
            "nonconformity_without_action",
            HIGH if f.kind == Finding.Kind.MAJOR else MEDIUM,
            f.reference,
            f"{f.reference} ({f.get_kind_display().lower()}) {f.title} has no corrective action.",
            "Open a corrective action: find the root cause and plan how to remove it.",
            _finding_url(f),
        )
        for f in findings
    ]


def incidents_without_action(user, today: date) -> list[Gap]:
    incidents = (
        visible_incidents(user)
        .filter(severity__in=NEEDS_CORRECTIVE_ACTION)
        .exclude(status=IncidentStatus.CLOSED)
        .filter(_without_capa(Incident))
        .order_by("created_at", "id")
    )
    return [
        Gap(
            "incident_without_action",
            HIGH,
            i.reference,
            f"{i.reference} {i.title} ({i.get_severity_display()}) has no corrective action.",
            "Open a corrective action from the incident.",
            link("incidents:incident_detail", i.pk),
        )
        for i in incidents
    ]


def _oversight_gap(system, message: str, action: str, *, may_edit: bool) -> Gap:
    # The fix is on the system's edit page; who may not change the system (an auditor, an
    # approver) is taken to the system's page instead of a page that would answer 403.
    page = "inventory:system_edit" if may_edit else "inventory:system_detail"
    return Gap(
        "oversight_not_assured", HIGH, system.reference, message, action, link(page, system.pk)
    )


def oversight_not_assured(user, today: date) -> list[Gap]:
    """The training check runs when someone is named; this catches what happened since: the
    tier rose, or the person's training expired. An exception on record is respected."""
    systems = list(
        visible_systems(user)
        .filter(risk_tier__in=HIGH_TIERS, in_aims_scope=True)
        .exclude(lifecycle_stage__in=INACTIVE_STAGES)
        .select_related("oversight_person")
        .order_by("id")
    )
    if not systems:
        return []
    # The edit page's own rule (inventory.views.SystemMixin: may change the record), for the
    # whole list in one query.
    editable = set(
        restrict(
            AISystem.objects.filter(pk__in=[s.pk for s in systems]), user, "change"
        ).values_list("pk", flat=True)
    )
    people = {s.oversight_person_id for s in systems if s.oversight_person_id}
    untrained = untrained_for(HUMAN_OVERSIGHT, people, today)
    excepted = training_exceptions(HUMAN_OVERSIGHT, untrained, today)
    gaps = []
    for system in systems:
        person = system.oversight_person
        if person is None:
            gaps.append(
                _oversight_gap(
                    system,
                    f"{system.reference} {system.name} is at tier "
                    f"{system.get_risk_tier_display()} and has no named oversight person.",
                    "Name the person who exercises human oversight of it.",
                    may_edit=system.pk in editable,
                )
            )
        elif person.pk in untrained and (
            (person.pk, oversight_scope(system.reference)) not in excepted
        ):
            who = display_name(person)
            gaps.append(
                _oversight_gap(
                    system,
                    f"{who} oversees {system.reference} {system.name} without in-date "
                    "human-oversight training.",
                    "Record their refreshed training, name someone trained, or have a "
                    "governance officer record an exception.",
                    may_edit=system.pk in editable,
                )
            )
    return gaps


def approvers_not_trained(user, today: date) -> list[Gap]:
    """Gates are decided by whoever holds the Approver role; the roles register says which
    training that needs. Shown to those who may see everyone's training."""
    from django.contrib.auth import get_user_model

    from aims.roles import APPROVER as APPROVER_ROLE

    if not sees_everyones_training(user):
        return []
    approvers = list(
        get_user_model()
        .objects.filter(groups__name=APPROVER_ROLE, is_active=True)
        .order_by("username")
        .distinct()
    )
    untrained = untrained_for(APPROVER, [p.pk for p in approvers], today)
    excepted = {user_id for user_id, _scope in training_exceptions(APPROVER, untrained, today)}
    return [
        Gap(
            "approver_not_trained",
            MEDIUM,
            person.get_username(),
            f"{person.get_full_name() or person.get_username()} decides gates as an approver "
            "without in-date approver training.",
            "Record their training, or have a governance officer record an exception on "
            "their approver assignment.",
            link("competence:person_training", person.pk),
        )
        for person in approvers
        if person.pk in untrained and person.pk not in excepted
    ]


def training_exceptions_ending(user, today: date) -> list[Gap]:
    """An exception stands in for training only until its end date: those ending within 30
    days, and those that have ended, while the holder still lacks the training."""
    gaps = []
    for a in exceptions_ending(user=user, within_days=DEFAULT_EXPIRING_DAYS, on=today):
        who = a.user.get_full_name() or a.user.get_username()
        role = a.responsibility.title + (f" ({a.scope_note})" if a.scope_note else "")
        if a.exception_expired:
            ended = (
                f"ended on {a.exception_expires_on:%Y-%m-%d}"
                if a.exception_expires_on
                else "has no end date"
            )
            message = f"The training exception of {who} as {role} {ended}: it no longer counts."
        else:
            message = (
                f"The training exception of {who} as {role} ends on "
                f"{a.exception_expires_on:%Y-%m-%d}."
            )
        gaps.append(
            Gap(
                "training_exception_ending",
                MEDIUM if a.exception_expired else LOW,
                a.user.get_username(),
                message,
                "Record their training, or have a governance officer renew the exception "
                "with a new end date.",
                link("competence:assignment_exception", a.pk),
            )
        )
    return gaps


CHECKS: tuple[Callable[..., list[Gap]], ...] = (
    excluded_relied_on,
    implemented_without_evidence,
    impact_assessment_missing,
    reviews_overdue,
    nonconformities_without_action,
    incidents_without_action,
    oversight_not_assured,
    approvers_not_trained,
    training_exceptions_ending,
)


def traceability_gaps(*, user, today: date | None = None) -> list[Gap]:
    today = today or timezone.localdate()
    gaps = [gap for check in CHECKS for gap in check(user, today)]
    return sorted(gaps, key=lambda g: SEVERITY_ORDER[g.severity])  # stable within a severity


def readiness_gaps(state: Readiness) -> list[Gap]:
    return [
        Gap(
            "not_ready",
            LOW,
            i.item.code,
            f"{i.item.code} {i.item.title} is not ready.",
            i.next_step,
            control_url(i.statement.pk),
        )
        for i in state.items
        if not i.ready
    ]


def gap_list(*, user, today: date | None = None, state: Readiness | None = None) -> list[Gap]:
    """Traceability gaps first (most severe first), then what each item still needs."""
    today = today or timezone.localdate()
    state = state or readiness(today=today)
    traced = traceability_gaps(user=user, today=today)
    about_controls = {g.record for g in traced if g.kind in CONTROL_KINDS}
    return traced + [g for g in readiness_gaps(state) if g.record not in about_controls]
