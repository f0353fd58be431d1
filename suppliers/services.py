"""Every write to the supplier register, due-diligence reviews and vendor change notices.

Views, API, tasks and the inventory (which fans notices out to AI systems) call these
functions; nothing else writes supplier records.
"""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from aims.errors import BusinessRuleError, RuleForbidden, TransitionNotAllowed
from aims.history import save_with_history
from aims.notifications.services import notify, users_in_role
from aims.permissions import can_change_record, has_perm, require
from aims.roles import OFFICER

from . import dependencies, webhook_events
from .errors import Code
from .models import (
    ChangeSource,
    ReportChannel,
    ReviewAnswer,
    ReviewQuestion,
    Supplier,
    SupplierReview,
    SupplierStatus,
    VendorChangeImpact,
    VendorChangeNotice,
    VendorChangeObservation,
)

Status = SupplierStatus

SUPPLIER_FIELDS = (
    "name",
    "supplier_type",
    "services_used",
    "criticality",
    "contract_start",
    "contract_end",
    "trains_on_our_data",
    "data_retention",
    "data_location",
    "output_logging",
    "iso27001_expires",
    "soc2_expires",
    "iso42001_expires",
    "other_certifications",
    "change_notice_commitment",
    "sub_processors",
    "exit_plan",
    "reassessment_cadence_months",
    "next_reassessment_date",
)
QUESTION_FIELDS = ("topic", "text", "guidance", "weight", "position", "active")
NOTICE_FIELDS = (
    "affected_service",
    "kind",
    "source",
    "title",
    "description",
    "announced_on",
    "effective_on",
    "previous_identifier",
    "observed_identifier",
)


def _unknown(data: dict, allowed: tuple[str, ...]) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise BusinessRuleError(f"Unknown fields: {', '.join(sorted(unknown))}", code=Code.INVALID)


def supplier_url(supplier: Supplier) -> str:
    return reverse("suppliers:supplier_detail", args=[supplier.pk])


def notice_url(notice: VendorChangeNotice) -> str:
    return reverse("suppliers:notice_detail", args=[notice.pk])


# --- Suppliers ------------------------------------------------------------------------------


@transaction.atomic
def supplier_create(*, actor, data: dict[str, Any], owner=None) -> Supplier:
    """Register a supplier; it starts as "proposed" and is not approved for use yet."""
    require(actor, "suppliers.add_supplier", message="You may not register suppliers.")
    _unknown(data, SUPPLIER_FIELDS)
    supplier = Supplier(**data, owner=owner or actor)
    save_with_history(supplier, actor=actor, reason="Supplier registered")
    return supplier


@transaction.atomic
def supplier_update(
    *, actor, supplier: Supplier, data: dict[str, Any], owner=None, reason: str = ""
) -> Supplier:
    require(actor, "suppliers.change_supplier", message="You may not edit suppliers.")
    supplier = Supplier.objects.select_for_update().get(pk=supplier.pk)
    if supplier.status == Status.OFFBOARDED:
        raise TransitionNotAllowed(
            "An offboarded supplier is kept as it was; it cannot be edited.",
            code=Code.SUPPLIER_CLOSED,
        )
    _unknown(data, SUPPLIER_FIELDS)
    for name, value in data.items():
        setattr(supplier, name, value)
    if owner is not None:
        supplier.owner = owner
    save_with_history(supplier, actor=actor, reason=reason or "Details edited")
    return supplier


@dataclass(frozen=True)
class Transition:
    label: str
    sources: tuple[str, ...]
    target: str
    permission: str


TRANSITIONS: dict[str, Transition] = {
    "approve": Transition(
        "Approve for use",
        (Status.PROPOSED, Status.APPROVED_WITH_CONDITIONS, Status.SUSPENDED),
        Status.APPROVED,
        "suppliers.approve_supplier",
    ),
    "approve_with_conditions": Transition(
        "Approve with conditions",
        (Status.PROPOSED, Status.APPROVED, Status.SUSPENDED),
        Status.APPROVED_WITH_CONDITIONS,
        "suppliers.approve_supplier",
    ),
    "suspend": Transition(
        "Suspend",
        (Status.APPROVED, Status.APPROVED_WITH_CONDITIONS),
        Status.SUSPENDED,
        "suppliers.manage_supplier_status",
    ),
    "offboard": Transition(
        "Offboard",
        (Status.PROPOSED, Status.APPROVED, Status.APPROVED_WITH_CONDITIONS, Status.SUSPENDED),
        Status.OFFBOARDED,
        "suppliers.manage_supplier_status",
    ),
}
APPROVING = ("approve", "approve_with_conditions")


def available_transitions(*, actor, supplier: Supplier) -> list[tuple[str, Transition]]:
    return [
        (name, t)
        for name, t in TRANSITIONS.items()
        if supplier.status in t.sources
        and has_perm(actor, t.permission)
        and not (name in APPROVING and supplier.owner_id == actor.pk)
    ]


def approval_blockers(supplier: Supplier) -> list[str]:
    """What stops the supplier being approved, in words an officer can act on."""
    review = (
        SupplierReview.objects.filter(supplier=supplier, status=SupplierReview.Status.COMPLETED)
        .order_by("-completed_at", "-id")
        .first()
    )
    if review is None:
        return ["A completed due-diligence review is needed before approval."]
    if review.decision == SupplierReview.Decision.REJECT:
        return [f"The latest completed review ({review.reference}) recommends rejection."]
    return []


@transaction.atomic
def supplier_transition(
    *, actor, supplier: Supplier, action: str, conditions: str = "", reason: str = ""
) -> Supplier:
    """Run one status action of TRANSITIONS, or refuse with the reason."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise BusinessRuleError(f"Unknown action '{action}'.", code=Code.UNKNOWN_ACTION)
    supplier = Supplier.objects.select_for_update().get(pk=supplier.pk)
    require(actor, transition.permission, message=f"You may not '{transition.label}'.")
    if action in APPROVING and supplier.owner_id == actor.pk:
        raise RuleForbidden(
            "You own this supplier: someone else must approve it (segregation of duties).",
            code=Code.SEGREGATION_OF_DUTIES,
        )
    if supplier.status not in transition.sources:
        allowed = ", ".join(Status(s).label for s in transition.sources)
        raise TransitionNotAllowed(
            f"'{transition.label}' is not possible while the supplier is "
            f"'{supplier.get_status_display()}'; it needs: {allowed}.",
            code=Code.TRANSITION_NOT_ALLOWED,
        )
    if action == "approve_with_conditions" and not conditions.strip():
        raise ValidationError({"conditions": ["State the conditions of the approval."]})
    if action in ("suspend", "offboard") and not reason.strip():
        raise ValidationError({"reason": ["Say why, for the record."]})
    if action in APPROVING:
        blockers = approval_blockers(supplier)
        if blockers:
            raise TransitionNotAllowed(
                "The supplier cannot be approved yet: " + " ".join(blockers),
                code=Code.APPROVAL_PREREQUISITES_MISSING,
                extra={"missing": blockers},
            )
        supplier.approved_by = actor
        supplier.status_conditions = conditions.strip()
        if supplier.next_reassessment_date is None:
            supplier.next_reassessment_date = add_months(
                timezone.localdate(), supplier.reassessment_cadence_months
            )
    previous = supplier.get_status_display()
    supplier.status = transition.target
    save_with_history(
        supplier,
        actor=actor,
        reason=reason.strip()
        or f"{transition.label}: {previous} -> {supplier.get_status_display()}",
    )
    notify(
        recipients=[supplier.owner],
        title=f"{supplier.reference} {supplier.name}: {supplier.get_status_display()}",
        body=conditions or reason,
        link=supplier_url(supplier),
    )
    return supplier


# --- The questionnaire ----------------------------------------------------------------------


@transaction.atomic
def question_save(*, actor, question: ReviewQuestion, data: dict[str, Any]) -> ReviewQuestion:
    """Add or edit a question. Reviews already started keep their own copy of it."""
    action = "change" if question.pk else "add"
    require(
        actor,
        f"suppliers.{action}_reviewquestion",
        message="Only governance officers edit the questionnaire.",
    )
    _unknown(data, QUESTION_FIELDS)
    for name, value in data.items():
        setattr(question, name, value)
    save_with_history(
        question, actor=actor, reason="Question edited" if action == "change" else "Question added"
    )
    return question


# --- Due-diligence reviews ------------------------------------------------------------------


@transaction.atomic
def review_start(*, actor, supplier: Supplier) -> SupplierReview:
    """Start a review: the active questions are copied into it, as they read today."""
    require(actor, "suppliers.add_supplierreview", message="You may not review suppliers.")
    supplier = Supplier.objects.select_for_update().get(pk=supplier.pk)
    if supplier.status == Status.OFFBOARDED:
        raise TransitionNotAllowed(
            "An offboarded supplier is not reviewed.", code=Code.SUPPLIER_CLOSED
        )
    if SupplierReview.objects.filter(
        supplier=supplier, status=SupplierReview.Status.IN_PROGRESS
    ).exists():
        raise TransitionNotAllowed(
            "A review of this supplier is already in progress: finish it first.",
            code=Code.REVIEW_IN_PROGRESS,
        )
    questions = list(ReviewQuestion.objects.filter(active=True))
    if not questions:
        raise TransitionNotAllowed(
            "The questionnaire has no active questions yet.", code=Code.NO_QUESTIONS
        )
    review = SupplierReview(supplier=supplier, reviewer=actor)
    save_with_history(review, actor=actor, reason="Review started")
    for q in questions:
        answer = ReviewAnswer(
            review=review,
            question=q,
            topic=q.topic,
            question_text=q.text,
            weight=q.weight,
            position=q.position,
        )
        save_with_history(answer, actor=actor, reason=f"Question copied into {review.reference}")
    return review


def _require_open_review(actor, review: SupplierReview) -> None:
    require(actor, "suppliers.change_supplierreview", message="You may not answer this review.")
    if review.status != SupplierReview.Status.IN_PROGRESS:
        raise TransitionNotAllowed(
            f"{review.reference} is completed: its answers are kept as they were.",
            code=Code.REVIEW_COMPLETED,
        )


@transaction.atomic
def review_answer(
    *, actor, review: SupplierReview, answers: dict[int, dict[str, str]]
) -> SupplierReview:
    """Record answers: {answer id: {"value": ..., "comment": ...}}."""
    review = SupplierReview.objects.select_for_update().get(pk=review.pk)
    _require_open_review(actor, review)
    rows = {a.pk: a for a in review.answers.all()}
    unknown = set(answers) - set(rows)
    if unknown:
        raise ValidationError(
            {"answers": [f"Not questions of {review.reference}: {sorted(unknown)}"]}
        )
    for pk, given in answers.items():
        answer = rows[pk]
        value = given.get("value", answer.value) or ""
        comment = given.get("comment", answer.comment) or ""
        if value == answer.value and comment == answer.comment:
            continue
        answer.value, answer.comment = value, comment
        try:
            save_with_history(answer, actor=actor, reason="Answered")
        except ValidationError as exc:
            raise ValidationError({"answers": [f"{pk}: {m}" for m in exc.messages]}) from exc
    return review


def review_score(answers) -> Decimal | None:
    """Weighted share of the best answers, 0-100; "not applicable" counts neither way."""
    earned = possible = 0.0
    for a in answers:
        if a.value in ReviewAnswer.POINTS:
            earned += a.weight * ReviewAnswer.POINTS[a.value]
            possible += a.weight
    if not possible:
        return None
    return Decimal(str(100 * earned / possible)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def review_rating(score: Decimal | None) -> str:
    if score is None or score < 60:
        return SupplierReview.Rating.WEAK
    if score < 80:
        return SupplierReview.Rating.ADEQUATE
    return SupplierReview.Rating.STRONG


@transaction.atomic
def review_complete(
    *, actor, review: SupplierReview, decision: str, conditions: str = "", summary: str = ""
) -> SupplierReview:
    """Close a review with its computed score and rating and the reviewer's decision."""
    review = SupplierReview.objects.select_for_update().get(pk=review.pk)
    _require_open_review(actor, review)
    answers = list(review.answers.all())
    missing = [a for a in answers if not a.value]
    if missing:
        raise TransitionNotAllowed(
            f"{len(missing)} question(s) still unanswered.",
            code=Code.REVIEW_INCOMPLETE,
            extra={"missing": [a.question_text for a in missing]},
        )
    if decision not in SupplierReview.Decision.values:
        raise ValidationError({"decision": [f"'{decision}' is not a valid decision."]})
    if decision == SupplierReview.Decision.APPROVE_WITH_CONDITIONS and not conditions.strip():
        raise ValidationError({"conditions": ["State the conditions."]})
    score = review_score(answers)
    review.score = score
    review.rating = review_rating(score)
    review.decision = decision
    review.conditions = conditions.strip()
    review.summary = summary.strip()
    review.status = SupplierReview.Status.COMPLETED
    review.completed_at = timezone.now()
    save_with_history(
        review, actor=actor, reason=f"Review completed: score {score}, {review.rating}"
    )
    supplier = Supplier.objects.select_for_update().get(pk=review.supplier_id)
    supplier.next_reassessment_date = add_months(
        timezone.localdate(), supplier.reassessment_cadence_months
    )
    save_with_history(
        supplier, actor=actor, reason=f"Reassessment scheduled after {review.reference}"
    )
    return review


# --- Vendor change notices ------------------------------------------------------------------
#
# One notice per vendor change: a change of a supplier's model from one version to another is
# keyed by (supplier, model, from version, to version) -- ``notice_change_key`` -- and the
# database holds that key unique. However the same change reaches us -- an integration that
# sees it on another component (``vendor_change_detect``), or someone who records it again by
# hand in the browser, the API or an import, in other words or with other case or spacing
# (``vendor_change_report``) -- it is added to the one notice as another observation (who,
# when, through which channel, in which words), never a second notice to assess twice. The
# rule deciding "the same change" is ``duplicate_notice``. Changes without a new version
# (terms, outages, a deprecation without a successor) carry no key and are never merged.


def _normalised(value: str) -> str:
    return " ".join((value or "").split()).casefold()


def notice_change_key(*, affected_service: str, previous: str, observed: str) -> str:
    """The key of a change of a supplier's model: model | from version | to version,
    normalised (case and spacing do not make a second change); "" without a to version."""
    if not _normalised(observed):
        return ""
    parts = (_normalised(affected_service), _normalised(previous), _normalised(observed))
    return "|".join(parts)[:500]


def notice_for_change(*, supplier: Supplier, change_key: str) -> VendorChangeNotice | None:
    if not change_key:
        return None
    return VendorChangeNotice.objects.filter(supplier=supplier, change_key=change_key).first()


def duplicate_notice(*, supplier: Supplier, data: dict[str, Any]) -> VendorChangeNotice | None:
    """The notice that already records the change ``data`` reports, or None: the one merge
    rule behind the form, the API, imports and the service. Same supplier, model, from and
    to version, ignoring case and spacing; wording, source and dates do not matter."""
    key = notice_change_key(
        affected_service=data.get("affected_service", ""),
        previous=data.get("previous_identifier", ""),
        observed=data.get("observed_identifier", ""),
    )
    return notice_for_change(supplier=supplier, change_key=key)


def _create_notice(
    *, actor, supplier: Supplier, data: dict[str, Any], detection_key: str = ""
) -> VendorChangeNotice:
    """Insert the notice and flag every AI system that depends on the supplier.

    The fan-out belongs to the inventory (the registered dependency provider): each
    dependent system gets one impact to assess, in the same transaction as the notice. The
    insert fails (ValidationError or IntegrityError) when the same change was recorded
    meanwhile: the callers then merge."""
    notice = VendorChangeNotice(
        **data, supplier=supplier, recorded_by=actor, detection_key=detection_key
    )
    notice.change_key = notice_change_key(
        affected_service=notice.affected_service,
        previous=notice.previous_identifier,
        observed=notice.observed_identifier,
    )
    save_with_history(notice, actor=actor, reason="Vendor change recorded")
    provider = dependencies.provider()
    if provider is not None:
        provider.fan_out(actor=actor, notice=notice)
    notice = _refresh_notice_status(actor, notice)
    notify(
        recipients=users_in_role(OFFICER).exclude(pk=actor.pk),
        title=f"Vendor change {notice.reference}: {supplier.name}",
        body=notice.title,
        link=notice_url(notice),
    )
    webhook_events.vendor_change_recorded(notice, notice_url(notice))
    return notice


def _wording(data: dict[str, Any]) -> str:
    return "\n\n".join(p for p in (data.get("title", ""), data.get("description", "")) if p)


def _add_report(
    *, actor, notice: VendorChangeNotice, data: dict[str, Any], channel: str
) -> VendorChangeObservation:
    observation = VendorChangeObservation(
        notice=notice,
        label=(data.get("title") or notice.title)[:300],
        channel=channel,
        source=data.get("source", ""),
        wording=_wording(data),
        previous_identifier=data.get("previous_identifier", "")[:200],
        observed_identifier=data.get("observed_identifier", "")[:200],
        reported_by=actor,
    )
    save_with_history(
        observation,
        actor=actor,
        reason=f"Reported through {ReportChannel(channel).label.lower()}"[:100],
    )
    return observation


def _merge_report(
    *, actor, notice: VendorChangeNotice, data: dict[str, Any], channel: str
) -> VendorChangeNotice:
    """Add a second report of the change to its notice: an observation keeps who, when, how
    and in which words; the notice's history says it was merged. Any dependent system not
    flagged yet is flagged (the fan-out flags each system once)."""
    _add_report(actor=actor, notice=notice, data=data, channel=channel)
    notice = VendorChangeNotice.objects.select_for_update().get(pk=notice.pk)
    save_with_history(
        notice,
        actor=actor,
        reason=(f"Same change reported again ({ReportChannel(channel).label.lower()}): merged")[
            :100
        ],
    )
    provider = dependencies.provider()
    if provider is not None:
        provider.fan_out(actor=actor, notice=notice)
    return _refresh_notice_status(actor, notice)


@transaction.atomic
def vendor_change_report(
    *,
    actor,
    supplier: Supplier,
    data: dict[str, Any],
    channel: str = ReportChannel.IMPORT,
) -> tuple[VendorChangeNotice, bool]:
    """Record a report of a vendor change: a new change becomes a notice (``created`` True)
    and flags every dependent AI system; the same change already recorded (see
    ``duplicate_notice``) is added to its notice as another report (``created`` False).
    When two reports race, the database's unique key decides and the later one merges."""
    require(actor, "suppliers.add_vendorchangenotice", message="You may not record vendor changes.")
    _unknown(data, NOTICE_FIELDS)
    if channel not in ReportChannel.values:
        raise BusinessRuleError(f"Unknown channel '{channel}'.", code=Code.INVALID)
    existing = duplicate_notice(supplier=supplier, data=data)
    if existing is not None:
        return _merge_report(actor=actor, notice=existing, data=data, channel=channel), False
    try:
        with transaction.atomic():
            notice = _create_notice(actor=actor, supplier=supplier, data=data)
    except (ValidationError, IntegrityError):
        # Another report of the same change committed first (full_clean or the insert saw
        # its unique key): this one is a second report of it.
        existing = duplicate_notice(supplier=supplier, data=data)
        if existing is None:
            raise
        return _merge_report(actor=actor, notice=existing, data=data, channel=channel), False
    _add_report(actor=actor, notice=notice, data=data, channel=channel)
    return notice, True


def vendor_change_record(
    *, actor, supplier: Supplier, data: dict[str, Any], channel: str = ReportChannel.IMPORT
) -> VendorChangeNotice:
    """``vendor_change_report`` for callers that only need the notice."""
    return vendor_change_report(actor=actor, supplier=supplier, data=data, channel=channel)[0]


def _sighting(detection_key: str) -> VendorChangeNotice | None:
    seen = (
        VendorChangeObservation.objects.filter(detection_key=detection_key)
        .select_related("notice")
        .first()
    )
    if seen is not None:
        return seen.notice
    # Notices detected before sightings were recorded carry the key themselves.
    return VendorChangeNotice.objects.filter(detection_key=detection_key).first()


def vendor_change_detect(
    *,
    actor,
    supplier: Supplier,
    detection_key: str,
    data: dict[str, Any],
    previous: str,
    observed: str,
    target=None,
    target_label: str = "",
) -> tuple[VendorChangeNotice, bool]:
    """Record a detected change once, however often and on however many components it is
    reported: the first sighting creates the notice (``created`` True); a sighting of the
    same change on another component is added to that notice (and flags any dependent
    system not flagged yet); a repeated report of the same sighting changes nothing. When
    two reports race, the database's unique constraints decide."""
    require(actor, "suppliers.add_vendorchangenotice", message="You may not report vendor changes.")
    known = _sighting(detection_key)
    if known is not None:
        return known, False
    data = {
        **data,
        "source": ChangeSource.DETECTED,
        "previous_identifier": previous,
        "observed_identifier": observed,
    }
    key = notice_change_key(
        affected_service=data.get("affected_service", ""), previous=previous, observed=observed
    )
    notice, created = notice_for_change(supplier=supplier, change_key=key), False
    if notice is None:
        try:
            with transaction.atomic():
                notice = _create_notice(
                    actor=actor, supplier=supplier, data=data, detection_key=detection_key
                )
                created = True
        except (ValidationError, IntegrityError):
            # Another report of the same change committed first (full_clean or the insert
            # saw its unique key): add this sighting to its notice.
            notice = notice_for_change(supplier=supplier, change_key=key) or _sighting(
                detection_key
            )
            if notice is None:
                raise
    if target is not None:
        try:
            with transaction.atomic():
                observation = VendorChangeObservation(
                    notice=notice,
                    detection_key=detection_key,
                    target_type=ContentType.objects.get_for_model(target),
                    target_id=target.pk,
                    label=target_label[:300],
                    channel=ReportChannel.INTEGRATION,
                    source=ChangeSource.DETECTED,
                    previous_identifier=previous,
                    observed_identifier=observed,
                    reported_by=actor,
                )
                save_with_history(observation, actor=actor, reason=f"Seen on {target_label}"[:100])
        except (ValidationError, IntegrityError):
            known = _sighting(detection_key)
            if known is None:
                raise
            return known, False
    if not created:
        provider = dependencies.provider()
        if provider is not None:
            provider.fan_out(actor=actor, notice=notice)
        notice = _refresh_notice_status(actor, notice)
    return notice, created


def impact_create(
    *,
    actor,
    notice: VendorChangeNotice,
    system,
    label: str,
    components: str,
    under_review: bool,
    change_reference: str = "",
) -> VendorChangeImpact | None:
    """Flag one dependent system, once per notice (the database holds notice + system
    unique): a system already flagged by this notice answers None. Called by the
    inventory's fan-out inside the notice's transaction; the permission to record the
    notice covers it."""
    system_type = ContentType.objects.get_for_model(system)
    flagged = VendorChangeImpact.objects.filter(
        notice=notice, system_type=system_type, system_id=system.pk
    )
    if flagged.exists():
        return None
    impact = VendorChangeImpact(
        notice=notice,
        system_type=system_type,
        system_id=system.pk,
        system_label=label[:300],
        components=components[:500],
        under_review=under_review,
        change_reference=change_reference,
    )
    try:
        with transaction.atomic():
            save_with_history(
                impact, actor=actor, reason=f"Flagged by vendor change {notice.reference}"
            )
    except (ValidationError, IntegrityError):
        if flagged.exists():  # a concurrent sighting flagged it first
            return None
        raise
    return impact


# --- Assessing an impact --------------------------------------------------------------------
#
# The system's owner (or an officer) assesses what the change means for the system. On a
# high-tier system an owner's "no impact" is only a proposal: the impact waits "awaiting
# officer confirmation" (and keeps the system waiting, see inventory.vendor_changes) until an
# officer other than the owner confirms it or sends it back, with a reason. An officer who
# does not own the system and assesses "no impact" directly has confirmed it.

CONFIRM_PERM = "suppliers.confirm_vendorchangeimpact"


def _system_facts(impact: VendorChangeImpact) -> dependencies.SystemFacts:
    provider = dependencies.provider()
    if provider is None:
        return dependencies.SystemFacts(owner_id=None, high_tier=False)
    return provider.system_facts(impact=impact)


def impact_assess_refusal(user, impact: VendorChangeImpact) -> BusinessRuleError | None:
    """Why ``user`` may not assess ``impact`` now, or None: the system's owner or an officer,
    once (an officer may send a 'no impact' back, which opens it again)."""
    if not has_perm(user, "suppliers.change_vendorchangeimpact") and not can_change_record(
        user, impact
    ):
        return RuleForbidden(
            "Only the system's owner or a governance officer assesses this change.",
            code=Code.PERMISSION_DENIED,
        )
    if impact.assessment != VendorChangeImpact.Assessment.PENDING:
        return TransitionNotAllowed(
            f"This change was already assessed as '{impact.get_assessment_display()}'.",
            code=Code.ALREADY_ASSESSED,
        )
    return None


def can_assess_impact(user, impact: VendorChangeImpact) -> bool:
    return impact_assess_refusal(user, impact) is None


def no_impact_needs_confirmation(user, impact: VendorChangeImpact) -> bool:
    """Whether ``user``'s "no impact" on ``impact`` waits for an officer's confirmation: on
    a high-tier system, unless ``user`` is an officer who does not own the system."""
    facts = _system_facts(impact)
    if not facts.high_tier:
        return False
    return not has_perm(user, CONFIRM_PERM) or facts.owner_id == user.pk


@transaction.atomic
def impact_assess(
    *, actor, impact: VendorChangeImpact, assessment: str, rationale: str
) -> VendorChangeImpact:
    """The system owner's assessment of a vendor change; the inventory then applies it (a
    re-validation or re-approval sends a deployed system back through the release gate).
    A "no impact" on a high-tier system waits for an officer's confirmation."""
    impact = VendorChangeImpact.objects.select_for_update().get(pk=impact.pk)
    refusal = impact_assess_refusal(actor, impact)
    if refusal is not None:
        raise refusal
    choices = list(VendorChangeImpact.CHOICES)
    if assessment not in choices:
        raise ValidationError({"assessment": [f"Choose one of: {', '.join(choices)}."]})
    if not rationale.strip():
        raise ValidationError({"rationale": ["Say how you reached this assessment."]})
    proposed = assessment == VendorChangeImpact.Assessment.NO_IMPACT and (
        no_impact_needs_confirmation(actor, impact)
    )
    impact.assessment = VendorChangeImpact.Assessment.NO_IMPACT_PROPOSED if proposed else assessment
    impact.rationale = rationale.strip()
    impact.assessed_by = actor
    impact.assessed_at = timezone.now()
    if assessment == VendorChangeImpact.Assessment.NO_IMPACT and not proposed:
        impact.confirmed_by, impact.confirmed_at = actor, impact.assessed_at
    save_with_history(impact, actor=actor, reason=f"Assessed: {impact.get_assessment_display()}")
    if proposed:
        notify(
            recipients=users_in_role(OFFICER).exclude(pk=actor.pk),
            title=f"Confirm 'no impact': {impact.notice.reference} on {impact.system_label}",
            body=impact.rationale,
            link=notice_url(impact.notice),
        )
    provider = dependencies.provider()
    if provider is not None:
        provider.after_assessment(actor=actor, impact=impact)
    _refresh_notice_status(actor, impact.notice)
    return impact


def impact_confirm_refusal(user, impact: VendorChangeImpact) -> BusinessRuleError | None:
    """Why ``user`` may not confirm or send back the "no impact" on ``impact``, or None:
    officers only, only while the "no impact" awaits confirmation, and never the system's
    owner nor the person who assessed it."""
    if not has_perm(user, CONFIRM_PERM):
        return RuleForbidden(
            "Only a governance officer confirms a 'no impact' on a high-tier system.",
            code=Code.PERMISSION_DENIED,
        )
    if impact.assessment != VendorChangeImpact.Assessment.NO_IMPACT_PROPOSED:
        return TransitionNotAllowed(
            f"Nothing to confirm: the assessment is '{impact.get_assessment_display()}'.",
            code=Code.NOT_AWAITING_CONFIRMATION,
        )
    if impact.assessed_by_id == user.pk or _system_facts(impact).owner_id == user.pk:
        return RuleForbidden(
            "You own this system or made this assessment: another officer confirms it "
            "(segregation of duties).",
            code=Code.SEGREGATION_OF_DUTIES,
        )
    return None


def can_confirm_impact(user, impact: VendorChangeImpact) -> bool:
    return impact_confirm_refusal(user, impact) is None


CONFIRM_DECISIONS = ("confirm", "send_back")


@transaction.atomic
def impact_confirm(
    *, actor, impact: VendorChangeImpact, decision: str, reason: str
) -> VendorChangeImpact:
    """An officer confirms an owner's "no impact" (the system stops waiting) or sends it
    back to the owner to assess again; either way with a reason."""
    impact = VendorChangeImpact.objects.select_for_update().get(pk=impact.pk)
    refusal = impact_confirm_refusal(actor, impact)
    if refusal is not None:
        raise refusal
    if decision not in CONFIRM_DECISIONS:
        raise ValidationError({"decision": [f"Choose one of: {', '.join(CONFIRM_DECISIONS)}."]})
    if not reason.strip():
        raise ValidationError({"reason": ["Say why, for the record."]})
    impact.officer_note = reason.strip()
    if decision == "confirm":
        impact.assessment = VendorChangeImpact.Assessment.NO_IMPACT
        impact.confirmed_by, impact.confirmed_at = actor, timezone.now()
        history_reason = "'No impact' confirmed by an officer"
    else:
        owner_id = _system_facts(impact).owner_id
        impact.assessment = VendorChangeImpact.Assessment.PENDING
        impact.assessed_by, impact.assessed_at = None, None
        history_reason = "'No impact' sent back to the owner"
    save_with_history(impact, actor=actor, reason=history_reason)
    if decision != "confirm" and owner_id:
        from django.contrib.auth import get_user_model

        notify(
            recipients=get_user_model().objects.filter(pk=owner_id),
            title=f"Assess again: {impact.notice.reference} on {impact.system_label}",
            body=impact.officer_note,
            link=notice_url(impact.notice),
        )
    _refresh_notice_status(actor, impact.notice)
    return impact


def impact_set_change_reference(
    *, actor, impact: VendorChangeImpact, reference: str
) -> VendorChangeImpact:
    """Point the impact at the change request that carries it through the release gate."""
    impact.change_reference = reference
    save_with_history(impact, actor=actor, reason=f"Release change {reference} opened")
    return impact


def _refresh_notice_status(actor, notice: VendorChangeNotice) -> VendorChangeNotice:
    notice = VendorChangeNotice.objects.select_for_update().get(pk=notice.pk)
    pending = notice.impacts.filter(assessment__in=VendorChangeImpact.UNASSESSED).exists()
    target = VendorChangeNotice.Status.OPEN if pending else VendorChangeNotice.Status.REVIEWED
    if notice.status == target:
        return notice
    notice.status = target
    notice.reviewed_at = timezone.now() if target == VendorChangeNotice.Status.REVIEWED else None
    if target == VendorChangeNotice.Status.OPEN:
        reason = "Reopened: a dependent system has the change to assess"
    elif notice.impacts.exists():
        reason = "Every dependent system has assessed the change"
    else:
        reason = "No AI system depends on this supplier: nothing to assess"
    save_with_history(notice, actor=actor, reason=reason)
    return notice


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day when it is shorter."""
    import calendar

    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )
