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
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from aims.aggregates import count_each
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
    format_reference,
    parse_reference,
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


# --- Segments: runs of gaps counted and cut in SQL -----------------------------------------


@dataclass(frozen=True)
class Segment:
    """A run of gaps of one kind and one severity, in the order the list shows them.

    Gaps over tables that grow with the organisation (systems, risks, incidents, suppliers,
    findings) come from a queryset: counted with ``COUNT`` and cut with ``LIMIT``, so the
    dashboard and the readiness page read the first few and the totals in a fixed number of
    queries. Gaps over bounded sets (the catalogue, people) are computed and listed."""

    kind: str
    severity: str
    count: Callable[[], int]
    take: Callable[[int | None], list[Gap]]  # the first n gaps (None: every gap)
    count_among: Callable[[set[str]], int]  # how many of its gaps are on these records
    find: Callable[[str], Gap | None]  # its first gap on this record
    records: Callable[[], set[str]] | None = None  # its distinct records (control kinds)
    # Its gaps from ``start`` to ``stop`` (a page of the register: a LIMIT/OFFSET, not a list)
    window: Callable[[int, int], list[Gap]] | None = None
    rows: QuerySet | None = None  # the queryset its gaps come from (None: a listed segment)


def listed(kind: str, severity: str, gaps: list[Gap]) -> Segment:
    """A segment of gaps already computed (a bounded set)."""
    gaps = [g for g in gaps if g.severity == severity]
    return Segment(
        kind,
        severity,
        count=lambda: len(gaps),
        take=lambda n: gaps if n is None else gaps[:n],
        count_among=lambda records: sum(1 for g in gaps if g.record in records),
        find=lambda record: next((g for g in gaps if g.record == record), None),
        records=lambda: {g.record for g in gaps},
        window=lambda start, stop: gaps[start:stop],
    )


def deferred(kind: str, severity: str, compute: Callable[[], list[Gap]]) -> Segment:
    """A segment of gaps computed (once) when first asked for: the readiness gaps come last,
    so a caller wanting the first few gaps often never needs them."""
    built: list[Segment] = []

    def segment() -> Segment:
        if not built:
            built.append(listed(kind, severity, compute()))
        return built[0]

    return Segment(
        kind,
        severity,
        count=lambda: segment().count(),
        take=lambda n: segment().take(n),
        count_among=lambda records: segment().count_among(records),
        find=lambda record: segment().find(record),
        records=lambda: segment().records(),
        window=lambda start, stop: segment().window(start, stop),
    )


def queried(
    kind: str,
    severity: str,
    qs: QuerySet,
    render: Callable[[list], list[Gap]],
    among: Callable[[QuerySet, set[str]], QuerySet] | None = None,
) -> Segment:
    """A segment read from ``qs`` (ordered as the list shows it). ``render`` turns the rows
    read into gaps; ``among`` narrows ``qs`` to the rows whose gap is on given records
    (default: a referenced model's rows by their references, e.g. ``RSK-0003``)."""
    among = among or _by_reference

    def take(n: int | None) -> list[Gap]:
        return render(list(qs if n is None else qs[:n])) if n != 0 else []

    def window(start: int, stop: int) -> list[Gap]:
        return render(list(qs[start:stop])) if stop > start else []

    return Segment(
        kind,
        severity,
        count=qs.count,
        take=take,
        count_among=lambda records: among(qs, records).count() if records else 0,
        find=lambda record: next(iter(render(list(among(qs, {record})[:1]))), None),
        window=window,
        rows=qs,
    )


def _by_reference(qs: QuerySet, records: set[str]) -> QuerySet:
    prefix = qs.model.REFERENCE_PREFIX
    ids = [pk for pk in (parse_reference(prefix, r) for r in records) if pk is not None]
    # Only the spelling the gaps use (AIS-0012, not AIS-12) names a gap's record.
    ids = [pk for pk in ids if format_reference(prefix, pk) in records]
    return qs.filter(pk__in=ids)


# --- Traceability checks -------------------------------------------------------------------


def excluded_relied_on(user, today: date) -> list[Segment]:
    through = (
        ControlStatement.risks.through.objects.filter(
            controlstatement__applicable=False,
            risk__in=risk_list(user=user).values("pk"),
        )
        .select_related("controlstatement__item", "risk")
        .order_by("controlstatement__item__sort_key", "risk_id")
    )

    def render(rows) -> list[Gap]:
        return [
            Gap(
                "excluded_relied_on",
                HIGH,
                row.controlstatement.item.code,
                f"{row.controlstatement.item.code} is excluded from the SoA, but the treatment "
                f"of {row.risk.reference} ({row.risk.title}) relies on it.",
                "Include the control and implement it, or change the risk's treatment so it "
                "no longer relies on it.",
                control_url(row.controlstatement_id),
            )
            for row in rows
        ]

    segment = queried(
        "excluded_relied_on",
        HIGH,
        through,
        render,
        among=lambda qs, records: qs.filter(controlstatement__item__code__in=records),
    )
    codes = through.order_by().values_list("controlstatement__item__code", flat=True).distinct()
    return [
        Segment(
            segment.kind,
            segment.severity,
            segment.count,
            segment.take,
            segment.count_among,
            segment.find,
            records=lambda: set(codes),
            window=segment.window,
            rows=segment.rows,
        )
    ]


def implemented_without_evidence(user, today: date) -> list[Segment]:
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
    return [listed("implemented_without_evidence", HIGH, gaps)]


def impact_assessment_missing(user, today: date) -> list[Segment]:
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

    def render(rows) -> list[Gap]:
        return [
            Gap(
                "impact_assessment_missing",
                HIGH,
                system.reference,
                f"{system.reference} {system.name} is deployed at tier "
                f"{system.get_risk_tier_display()}, which needs a signed-off impact "
                "assessment; none is signed off.",
                "Complete the impact assessment and have it signed off.",
                link("risk:system_risk", system.pk),
            )
            for system in rows
        ]

    return [queried("impact_assessment_missing", HIGH, systems, render)]


def _overdue(record: str, what: str, due: date, url: str) -> Gap:
    return Gap(
        "review_overdue",
        MEDIUM,
        record,
        f"The review of {what} was due on {due:%d %b %Y}.",
        "Review it and set the next review date.",
        url,
    )


def reviews_overdue(user, today: date) -> list[Segment]:
    systems = (
        visible_systems(user)
        .filter(next_review_date__lt=today)
        .exclude(lifecycle_stage__in=INACTIVE_STAGES)
        .only("id", "name", "next_review_date")
        .order_by("next_review_date", "id")
    )
    risks = (
        risk_list(user=user)
        .select_related(None)
        .filter(review_date__lt=today)
        .exclude(system__lifecycle_stage__in=INACTIVE_STAGES)
        .only("id", "title", "review_date")
        .order_by("review_date", "id")
    )
    suppliers = (
        supplier_list(user=user)
        .select_related(None)
        .filter(next_reassessment_date__lt=today)
        .exclude(status=SupplierStatus.OFFBOARDED)
        .only("id", "name", "next_reassessment_date")
        .order_by("next_reassessment_date", "id")
    )
    segments = [
        queried(
            "review_overdue",
            MEDIUM,
            systems,
            lambda rows: [
                _overdue(
                    s.reference,
                    f"AI system {s.reference} {s.name}",
                    s.next_review_date,
                    link("inventory:system_detail", s.pk),
                )
                for s in rows
            ],
        ),
        queried(
            "review_overdue",
            MEDIUM,
            risks,
            lambda rows: [
                _overdue(
                    r.reference,
                    f"risk {r.reference} {r.title}",
                    r.review_date,
                    link("risk:risk_detail", r.pk),
                )
                for r in rows
            ],
        ),
        queried(
            "review_overdue",
            MEDIUM,
            suppliers,
            lambda rows: [
                _overdue(
                    s.reference,
                    f"supplier {s.reference} {s.name}",
                    s.next_reassessment_date,
                    link("suppliers:supplier_detail", s.pk),
                )
                for s in rows
            ],
        ),
    ]
    if has_global_perm(user, "aims.view_policy"):
        policies = Policy.objects.filter(next_review_date__lt=today).order_by(
            "next_review_date", "id"
        )
        segments.append(
            queried(
                "review_overdue",
                MEDIUM,
                policies,
                lambda rows: [
                    _overdue(
                        p.reference,
                        f"policy {p.reference} {p.title}",
                        p.next_review_date,
                        link("ms:policy_detail", p.pk),
                    )
                    for p in rows
                ],
            )
        )
    return segments


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


def nonconformities_without_action(user, today: date) -> list[Segment]:
    if not has_global_perm(user, "audits.view_finding"):
        return []
    findings = (
        Finding.objects.filter(status=Finding.Status.OPEN)
        .filter(_without_capa(Finding))
        .order_by("created_at", "id")
    )

    def render(rows) -> list[Gap]:
        return [
            Gap(
                "nonconformity_without_action",
                HIGH if f.kind == Finding.Kind.MAJOR else MEDIUM,
                f.reference,
                f"{f.reference} ({f.get_kind_display().lower()}) {f.title} has no corrective "
                "action.",
                "Open a corrective action: find the root cause and plan how to remove it.",
                _finding_url(f),
            )
            for f in rows
        ]

    # A major nonconformity is a high gap, a minor one a medium gap: one segment each.
    return [
        queried("nonconformity_without_action", severity, findings.filter(kind=kind), render)
        for kind, severity in ((Finding.Kind.MAJOR, HIGH), (Finding.Kind.MINOR, MEDIUM))
    ]


def incidents_without_action(user, today: date) -> list[Segment]:
    incidents = (
        visible_incidents(user)
        .filter(severity__in=NEEDS_CORRECTIVE_ACTION)
        .exclude(status=IncidentStatus.CLOSED)
        .filter(_without_capa(Incident))
        .order_by("created_at", "id")
    )

    def render(rows) -> list[Gap]:
        return [
            Gap(
                "incident_without_action",
                HIGH,
                i.reference,
                f"{i.reference} {i.title} ({i.get_severity_display()}) has no corrective action.",
                "Open a corrective action from the incident.",
                link("incidents:incident_detail", i.pk),
            )
            for i in rows
        ]

    return [queried("incident_without_action", HIGH, incidents, render)]


def _oversight_gap(system, message: str, action: str, *, may_edit: bool) -> Gap:
    # The fix is on the system's edit page; who may not change the system (an auditor, an
    # approver) is taken to the system's page instead of a page that would answer 403.
    page = "inventory:system_edit" if may_edit else "inventory:system_detail"
    return Gap(
        "oversight_not_assured", HIGH, system.reference, message, action, link(page, system.pk)
    )


def _excepted_q(excepted: set[tuple[int, str]]) -> Q:
    """The (person, system) pairs an exception on record covers, from the exceptions' scope
    notes ("Human oversight of AIS-0012": ``oversight_scope``)."""
    pairs = Q(pk__in=[])
    prefix = oversight_scope("")
    for user_id, scope in excepted:
        reference = scope[len(prefix) :] if scope.startswith(prefix) else ""
        pk = parse_reference(AISystem.REFERENCE_PREFIX, reference)
        if pk is not None and oversight_scope(format_reference("AIS", pk)) == scope:
            pairs |= Q(oversight_person_id=user_id, pk=pk)
    return pairs


def oversight_not_assured(user, today: date) -> list[Segment]:
    """The training check runs when someone is named; this catches what happened since: the
    tier rose, or the person's training expired. An exception on record is respected."""
    systems = (
        visible_systems(user)
        .filter(risk_tier__in=HIGH_TIERS, in_aims_scope=True)
        .exclude(lifecycle_stage__in=INACTIVE_STAGES)
    )
    # The people named are few (they are users), whatever the number of systems.
    people = set(
        systems.exclude(oversight_person=None)
        .order_by()
        .values_list("oversight_person_id", flat=True)
        .distinct()
    )
    untrained = untrained_for(HUMAN_OVERSIGHT, people, today) if people else set()
    excepted = training_exceptions(HUMAN_OVERSIGHT, untrained, today) if untrained else set()
    not_trained = Q(oversight_person_id__in=untrained) & ~_excepted_q(excepted)
    lacking = (
        systems.filter(Q(oversight_person=None) | not_trained)
        .select_related("oversight_person")
        .order_by("id")
    )

    def render(rows) -> list[Gap]:
        if not rows:
            return []
        # The edit page's own rule (inventory.views.SystemMixin: may change the record), for
        # the rows read in one query.
        editable = set(
            restrict(
                AISystem.objects.filter(pk__in=[s.pk for s in rows]), user, "change"
            ).values_list("pk", flat=True)
        )
        gaps = []
        for system in rows:
            person = system.oversight_person
            if person is None:
                message = (
                    f"{system.reference} {system.name} is at tier "
                    f"{system.get_risk_tier_display()} and has no named oversight person."
                )
                action = "Name the person who exercises human oversight of it."
            else:
                message = (
                    f"{display_name(person)} oversees {system.reference} {system.name} "
                    "without in-date human-oversight training."
                )
                action = (
                    "Record their refreshed training, name someone trained, or have a "
                    "governance officer record an exception."
                )
            gaps.append(_oversight_gap(system, message, action, may_edit=system.pk in editable))
        return gaps

    return [queried("oversight_not_assured", HIGH, lacking, render)]


def approvers_not_trained(user, today: date) -> list[Segment]:
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
    gaps = [
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
    return [listed("approver_not_trained", MEDIUM, gaps)]


def training_exceptions_ending(user, today: date) -> list[Segment]:
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
    return [listed("training_exception_ending", severity, gaps) for severity in (MEDIUM, LOW)]


CHECKS: tuple[Callable[..., list[Segment]], ...] = (
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


def traceability_segments(*, user, today: date) -> list[Segment]:
    """Every check's segments, most severe first (stable: within a severity, the checks'
    order, then each check's own order)."""
    segments = [segment for check in CHECKS for segment in check(user, today)]
    return sorted(segments, key=lambda s: SEVERITY_ORDER[s.severity])


def traceability_gaps(*, user, today: date | None = None) -> list[Gap]:
    today = today or timezone.localdate()
    return [g for s in traceability_segments(user=user, today=today) for g in s.take(None)]


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


def gap_segments(
    *, user, today: date | None = None, state: Readiness | None = None
) -> list[Segment]:
    """The gap list as segments: traceability gaps first (most severe first), then what each
    item still needs (an item with a traceability gap about its control is not repeated)."""
    today = today or timezone.localdate()
    traced = traceability_segments(user=user, today=today)

    def remaining() -> list[Gap]:
        about_controls: set[str] = set()
        for segment in traced:
            if segment.kind in CONTROL_KINDS and segment.records is not None:
                about_controls |= segment.records()
        found = readiness_gaps(state or readiness(today=today))
        return [g for g in found if g.record not in about_controls]

    return traced + [deferred("not_ready", LOW, remaining)]


def find_gap(*, user, kind: str, record: str, today: date | None = None) -> Gap | None:
    """The gap of that kind on that record, if ``user`` sees it today: looked up in each
    segment of that kind (a query narrowed to the record), not found in the whole list."""
    for segment in gap_segments(user=user, today=today):
        if segment.kind == kind:
            found = segment.find(record)
            if found is not None:
                return found
    return None


def gap_list(*, user, today: date | None = None, state: Readiness | None = None) -> list[Gap]:
    """Traceability gaps first (most severe first), then what each item still needs."""
    return [g for s in gap_segments(user=user, today=today, state=state) for g in s.take(None)]


def first_gaps(
    *, user, top: int, today: date | None = None, state: Readiness | None = None
) -> list[Gap]:
    """The first ``top`` gaps of the list, read segment by segment with ``LIMIT`` and nothing
    counted: what a page showing a few gaps without totals needs (the executive summary)."""
    found: list[Gap] = []
    for segment in gap_segments(user=user, today=today, state=state):
        if len(found) >= top:
            break
        found += segment.take(top - len(found))
    return found


def segment_counts(segments: list[Segment]) -> list[int]:
    """Each segment's number of gaps: the queried segments counted together in one statement
    (a page's figures must not cost one query per kind of gap), the listed ones in memory."""
    queried_counts = iter(count_each([s.rows for s in segments if s.rows is not None]))
    return [s.count() if s.rows is None else next(queried_counts) for s in segments]


@dataclass(frozen=True)
class GapSummary:
    """The first gaps of the list and its figures, read in a fixed number of queries."""

    top: list[Gap]
    total: int
    by_severity: dict[str, int]
    traced: int  # gaps from the traceability checks
    not_ready: int  # items not ready yet (without a traceability gap about their control)
    segments: list[Segment]
    counts: list[int]  # each segment's number of gaps


def gap_summary(
    *, user, top: int, today: date | None = None, state: Readiness | None = None
) -> GapSummary:
    segments = gap_segments(user=user, today=today, state=state)
    counts = segment_counts(segments)
    first: list[Gap] = []
    for segment, count in zip(segments, counts, strict=True):
        if len(first) >= top:
            break
        if count:
            first += segment.take(top - len(first))
    by_severity = dict.fromkeys(SEVERITIES, 0)
    for segment, count in zip(segments, counts, strict=True):
        by_severity[segment.severity] += count
    not_ready = sum(c for s, c in zip(segments, counts, strict=True) if s.kind == "not_ready")
    return GapSummary(
        top=first,
        total=sum(counts),
        by_severity=by_severity,
        traced=sum(counts) - not_ready,
        not_ready=not_ready,
        segments=segments,
        counts=counts,
    )
