"""Writes of certification bodies, external audits and certificates, with their rules and the
three-year certification cycle. Views, API and the demo call these; nothing else writes these
records. (Findings, responses and auditor accounts have their own modules.)

Rules kept here, once:

- an external audit moves planned -> in progress -> completed, or is cancelled while planned
  or in progress; a completed or cancelled audit is a record and is no longer edited
  (:func:`audit_transition_refusal`, :func:`audit_edit_refusal`);
- completing needs an outcome the kind allows (:data:`OUTCOMES_BY_KIND`);
- a surveillance or recertification audit names the certificate it maintains or renews, of
  the same body; a stage 1 or stage 2 audit comes before any certificate and names none;
- a stage 2 audit normally follows a completed stage 1. We **warn, not refuse**
  (:func:`stage2_warning`): the body decides whether its stage 2 may go ahead (stage 1 and 2
  are often booked back to back, or the stage 1 happened before this system was used), so the
  audit page and the API show the warning and the record stays plannable;
- a certificate is recorded from a completed stage 2 or recertification audit whose outcome is
  "recommended" or "conditional" (:func:`certificate_issue_refusal`), once per audit; its
  number is unique and it expires after its issue;
- recording a certificate plans its cycle (:func:`plan_cycle`): surveillance audits about 12
  and 24 months after issue and a recertification audit 3 months before expiry, as planned
  audits whose dates stay editable; a certificate recorded from a recertification audit
  supersedes the certificate that audit renewed;
- a certificate is suspended (active -> suspended), reinstated (suspended -> active) or
  withdrawn (active or suspended -> withdrawn), each with a reason; once withdrawn or
  superseded, the audits still planned for it are cancelled.
"""

import calendar
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from aims.errors import BusinessRuleError, TransitionNotAllowed
from aims.history import save_with_history
from aims.permissions import has_perm, require

from ..errors import Code
from .models import Certificate, CertificationBody, ExternalAudit

Kind = ExternalAudit.Kind
Status = ExternalAudit.Status
Outcome = ExternalAudit.Outcome
CertStatus = Certificate.Status

BODY_FIELDS = (
    "name",
    "accreditation",
    "country",
    "contact_name",
    "contact_email",
    "website",
    "notes",
)
AUDIT_FIELDS = (
    "body",
    "certificate",
    "kind",
    "title",
    "start_date",
    "end_date",
    "scope",
    "lead_auditor",
    "sampled_records",
    "period_start",
    "period_end",
)
AUDIT_M2M = ("sampled_systems",)
CERTIFICATE_FIELDS = (
    "number",
    "body",
    "scope",
    "issued_on",
    "expires_on",
    "issuing_audit",
    "show_publicly",
)

#: The outcomes each kind of audit may end with.
OUTCOMES_BY_KIND: dict[str, tuple[str, ...]] = {
    Kind.STAGE_1: (Outcome.READY_FOR_STAGE_2, Outcome.NOT_RECOMMENDED),
    Kind.STAGE_2: (Outcome.RECOMMENDED, Outcome.CONDITIONAL, Outcome.NOT_RECOMMENDED),
    Kind.SURVEILLANCE: (Outcome.RECOMMENDED, Outcome.CONDITIONAL, Outcome.NOT_RECOMMENDED),
    Kind.RECERTIFICATION: (Outcome.RECOMMENDED, Outcome.CONDITIONAL, Outcome.NOT_RECOMMENDED),
    Kind.SPECIAL: (Outcome.RECOMMENDED, Outcome.CONDITIONAL, Outcome.NOT_RECOMMENDED),
}
#: Kinds that maintain or renew a certificate (and must name it).
NEEDS_CERTIFICATE = (Kind.SURVEILLANCE, Kind.RECERTIFICATION)
#: Kinds that come before any certificate.
BEFORE_CERTIFICATE = (Kind.STAGE_1, Kind.STAGE_2)
#: Kinds and outcomes a certificate can be issued from.
ISSUING_KINDS = (Kind.STAGE_2, Kind.RECERTIFICATION)
ISSUING_OUTCOMES = (Outcome.RECOMMENDED, Outcome.CONDITIONAL)
#: The cycle: surveillance audits this many months after issue, recertification this many
#: months before expiry.
SURVEILLANCE_MONTHS = (12, 24)
RECERTIFICATION_MONTHS_BEFORE = 3
OPEN_STATUSES = (Status.PLANNED, Status.IN_PROGRESS)
LIVE_CERTIFICATE = (CertStatus.ACTIVE, CertStatus.SUSPENDED)


def audit_url(audit: ExternalAudit) -> str:
    return reverse("certification:audit_detail", args=[audit.pk])


def certificate_url(certificate: Certificate) -> str:
    return reverse("certification:certificate_detail", args=[certificate.pk])


def body_url(body: CertificationBody) -> str:
    return reverse("certification:body_detail", args=[body.pk])


def add_months(day: date, months: int) -> date:
    """``day`` moved by ``months`` (negative: back), on the last day of a shorter month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def _unknown(data: dict, allowed) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise BusinessRuleError(f"Unknown fields: {', '.join(sorted(unknown))}", code=Code.INVALID)


def _require_write(actor, perm: str, what: str) -> None:
    require(
        actor,
        perm,
        message=f"Only governance officers keep the {what} records.",
        code=Code.PERMISSION_DENIED,
    )


# --- Certification bodies -------------------------------------------------------------------


@transaction.atomic
def body_save(*, actor, body: CertificationBody, data: dict[str, Any]) -> CertificationBody:
    """Create (unsaved ``body``) or edit a certification body."""
    creating = body.pk is None
    _require_write(
        actor,
        "audits.add_certificationbody" if creating else "audits.change_certificationbody",
        "certification body",
    )
    _unknown(data, BODY_FIELDS)
    if not creating:
        body = CertificationBody.objects.select_for_update().get(pk=body.pk)
    for field, value in data.items():
        setattr(body, field, value)
    changed = ", ".join(sorted(data)) or "nothing"
    return save_with_history(
        body,
        actor=actor,
        reason="Certification body recorded" if creating else f"Edited: {changed}",
    )


# --- External audits: rules -----------------------------------------------------------------


def audit_edit_refusal(audit: ExternalAudit) -> str | None:
    """Why ``audit`` may not be edited any more (None: it may)."""
    if audit.status == Status.COMPLETED:
        return (
            f"{audit.reference} is completed: it is the record of what the body found and is "
            "no longer edited."
        )
    if audit.status == Status.CANCELLED:
        return f"{audit.reference} was cancelled: it is no longer edited."
    return None


def _audit_errors(audit: ExternalAudit) -> dict[str, list[str]]:
    """Field errors of the links between kind, certificate and body."""
    errors: dict[str, list[str]] = {}
    certificate = audit.certificate if audit.certificate_id else None
    if audit.kind in NEEDS_CERTIFICATE and certificate is None:
        errors["certificate"] = [
            f"A {Kind(audit.kind).label.lower()} audit maintains or renews a certificate: "
            "choose it (record the certificate first)."
        ]
    if audit.kind in BEFORE_CERTIFICATE and certificate is not None:
        errors["certificate"] = [
            "A stage 1 or stage 2 audit comes before the certificate: leave it empty."
        ]
    if certificate is not None and audit.body_id and certificate.body_id != audit.body_id:
        errors.setdefault("body", []).append(
            f"Certificate {certificate.number} was issued by {certificate.body.name}: "
            "its audits are by the same body."
        )
    if (
        certificate is not None
        and audit.status == Status.PLANNED
        and certificate.status not in LIVE_CERTIFICATE
        and audit.kind in NEEDS_CERTIFICATE
    ):
        errors.setdefault("certificate", []).append(
            f"Certificate {certificate.number} is {certificate.get_status_display().lower()}: "
            "no more audits are planned for it."
        )
    return errors


def stage2_warning(audit: ExternalAudit) -> str | None:
    """A warning (not a refusal, see the module docstring) when a stage 2 audit has no
    completed stage 1 of the same body before it."""
    if audit.kind != Kind.STAGE_2 or audit.status in (Status.COMPLETED, Status.CANCELLED):
        return None
    done = ExternalAudit.objects.filter(
        body_id=audit.body_id,
        kind=Kind.STAGE_1,
        status=Status.COMPLETED,
        outcome=Outcome.READY_FOR_STAGE_2,
    )
    if audit.start_date:
        done = done.filter(end_date__lte=audit.start_date)
    if done.exists():
        return None
    return (
        "No stage 1 audit of this body is recorded as completed and ready for stage 2. "
        "A stage 2 normally follows a completed stage 1: record it first unless the body "
        "agreed otherwise."
    )


@dataclass(frozen=True)
class Transition:
    label: str
    sources: tuple[str, ...]
    target: str


TRANSITIONS: dict[str, Transition] = {
    "start": Transition("Start the audit", (Status.PLANNED,), Status.IN_PROGRESS),
    "complete": Transition("Record the outcome", (Status.IN_PROGRESS,), Status.COMPLETED),
    "cancel": Transition("Cancel the audit", OPEN_STATUSES, Status.CANCELLED),
}


def audit_transition_refusal(audit: ExternalAudit, action: str) -> str | None:
    """Why ``action`` is not possible on ``audit`` now (None: it is)."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        return f"Unknown action '{action}'."
    if audit.status not in transition.sources:
        allowed = ", ".join(Status(s).label.lower() for s in transition.sources)
        return (
            f"'{transition.label}' is not possible while {audit.reference} is "
            f"{audit.get_status_display().lower()} (only while {allowed})."
        )
    return None


def available_transitions(*, actor, audit: ExternalAudit) -> list[tuple[str, Transition]]:
    if not has_perm(actor, "audits.change_externalaudit"):
        return []
    return [(n, t) for n, t in TRANSITIONS.items() if audit_transition_refusal(audit, n) is None]


# --- External audits: writes ----------------------------------------------------------------


@transaction.atomic
def audit_save(*, actor, audit: ExternalAudit, data: dict[str, Any]) -> ExternalAudit:
    """Plan (unsaved ``audit``) or edit an external audit while it is planned or in progress.
    ``data`` may carry ``sampled_systems`` (the AI systems the body samples)."""
    creating = audit.pk is None
    _require_write(
        actor,
        "audits.add_externalaudit" if creating else "audits.change_externalaudit",
        "external audit",
    )
    _unknown(data, (*AUDIT_FIELDS, *AUDIT_M2M))
    if not creating:
        audit = ExternalAudit.objects.select_for_update().get(pk=audit.pk)
        refusal = audit_edit_refusal(audit)
        if refusal:
            raise TransitionNotAllowed(refusal, code=Code.EXTERNAL_AUDIT_CLOSED)
    else:
        audit.created_by = actor
    data = dict(data)
    m2m = {name: list(data.pop(name)) for name in AUDIT_M2M if name in data}
    for field, value in data.items():
        setattr(audit, field, value)
    errors = _audit_errors(audit)
    try:
        audit.full_clean()
    except ValidationError as exc:
        for field, messages_ in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages_)
    if errors:
        raise ValidationError(errors)
    changed = ", ".join(sorted({*data, *m2m})) or "nothing"
    reason = f"{audit.get_kind_display()} audit planned" if creating else f"Edited: {changed}"
    save_with_history(audit, actor=actor, reason=reason)
    for name, values in m2m.items():
        getattr(audit, name).set(values)
    return audit


@transaction.atomic
def audit_transition(
    *, actor, audit: ExternalAudit, action: str, outcome: str = "", notes: str = ""
) -> ExternalAudit:
    """Start, complete (with ``outcome`` and ``notes``) or cancel (``notes`` says why) an
    external audit. A refusal changes nothing."""
    _require_write(actor, "audits.change_externalaudit", "external audit")
    audit = ExternalAudit.objects.select_for_update().get(pk=audit.pk)
    refusal = audit_transition_refusal(audit, action)
    if refusal:
        code = Code.UNKNOWN_ACTION if action not in TRANSITIONS else Code.TRANSITION_NOT_ALLOWED
        raise TransitionNotAllowed(refusal, code=code)
    transition = TRANSITIONS[action]
    notes = (notes or "").strip()
    reason = transition.label
    if action == "complete":
        allowed = OUTCOMES_BY_KIND[audit.kind]
        if outcome not in allowed:
            labels = "; ".join(Outcome(o).label for o in allowed)
            raise ValidationError(
                {"outcome": [f"A {audit.get_kind_display().lower()} audit ends with one of: "
                             f"{labels}."]}
            )  # fmt: skip
        audit.outcome = outcome
        audit.outcome_notes = notes
        audit.completed_at = timezone.now()
        reason = f"Completed: {Outcome(outcome).label}"
    elif action == "cancel":
        if not notes:
            raise ValidationError({"notes": ["Say why the audit is cancelled."]})
        reason = f"Cancelled: {notes}"
    audit.status = transition.target
    save_with_history(audit, actor=actor, reason=reason)
    return audit


# --- Certificates ---------------------------------------------------------------------------


def certificate_issue_refusal(audit: ExternalAudit | None) -> str | None:
    """Why no certificate may be recorded from ``audit`` (None: one may)."""
    if audit is None:
        return "Name the stage 2 or recertification audit that led to the certificate."
    if audit.kind not in ISSUING_KINDS:
        return (
            f"{audit.reference} is a {audit.get_kind_display().lower()} audit: a certificate "
            "follows a stage 2 or a recertification audit."
        )
    if audit.status != Status.COMPLETED:
        return f"{audit.reference} is not completed yet: record its outcome first."
    if audit.outcome not in ISSUING_OUTCOMES:
        return (
            f"{audit.reference} ended with '{audit.get_outcome_display()}': a certificate "
            "follows a recommendation (possibly conditional)."
        )
    issued = Certificate.objects.filter(issuing_audit=audit).first()
    if issued is not None:
        return f"Certificate {issued.number} was already recorded from {audit.reference}."
    return None


def _cancel_planned(*, actor, certificate: Certificate, why: str) -> int:
    planned = ExternalAudit.objects.select_for_update().filter(
        certificate=certificate, status=Status.PLANNED
    )
    count = 0
    for audit in planned:
        audit.status = Status.CANCELLED
        save_with_history(audit, actor=actor, reason=f"Cancelled: {why}")
        count += 1
    return count


def cycle_dates(certificate: Certificate) -> list[tuple[str, date]]:
    """The audits of a certificate's cycle: (kind, date), in date order, inside its validity."""
    dates = [
        (Kind.SURVEILLANCE, add_months(certificate.issued_on, months))
        for months in SURVEILLANCE_MONTHS
    ]
    dates.append(
        (
            Kind.RECERTIFICATION,
            add_months(certificate.expires_on, -RECERTIFICATION_MONTHS_BEFORE),
        )
    )
    return [
        (kind, day)
        for kind, day in sorted(dates, key=lambda d: d[1])
        if certificate.issued_on < day < certificate.expires_on
    ]


def plan_cycle(*, actor, certificate: Certificate) -> list[ExternalAudit]:
    """Plan the surveillance and recertification audits of ``certificate`` (called by
    :func:`certificate_record`, inside its transaction)."""
    planned = []
    surveillance = 0
    for kind, day in cycle_dates(certificate):
        if kind == Kind.SURVEILLANCE:
            surveillance += 1
            title = f"Surveillance audit {surveillance} of certificate {certificate.number}"
        else:
            title = f"Recertification audit of certificate {certificate.number}"
        audit = ExternalAudit(
            body=certificate.body,
            certificate=certificate,
            kind=kind,
            title=title,
            start_date=day,
            end_date=day,
            scope=certificate.scope,
            created_by=actor,
        )
        save_with_history(
            audit,
            actor=actor,
            reason=f"Planned by the certification cycle of {certificate.reference}",
        )
        planned.append(audit)
    return planned


@transaction.atomic
def certificate_record(*, actor, data: dict[str, Any]) -> Certificate:
    """Record the certificate the body issued, plan its cycle, and (after a recertification
    audit) supersede the certificate it renews."""
    _require_write(actor, "audits.add_certificate", "certificate")
    _unknown(data, CERTIFICATE_FIELDS)
    certificate = Certificate(created_by=actor, **data)
    audit = certificate.issuing_audit if certificate.issuing_audit_id else None
    errors: dict[str, list[str]] = {}
    if audit is not None:
        audit = ExternalAudit.objects.select_for_update().get(pk=audit.pk)
    refusal = certificate_issue_refusal(audit)
    if refusal:
        errors["issuing_audit"] = [refusal]
    if audit is not None and certificate.body_id and audit.body_id != certificate.body_id:
        errors.setdefault("body", []).append(
            f"{audit.reference} was carried out by {audit.body.name}: the certificate is theirs."
        )
    number = (certificate.number or "").strip()
    certificate.number = number
    if number and Certificate.objects.filter(number__iexact=number).exists():
        errors.setdefault("number", []).append(
            f"A certificate numbered {number} is already recorded."
        )
    try:
        certificate.full_clean()
    except ValidationError as exc:
        for field, messages_ in exc.message_dict.items():
            if field == "number" and "number" in errors:
                continue
            errors.setdefault(field, []).extend(messages_)
    if errors:
        raise ValidationError(errors)
    save_with_history(
        certificate, actor=actor, reason=f"Certificate recorded from {audit.reference}"
    )
    previous = audit.certificate if audit.kind == Kind.RECERTIFICATION else None
    if previous is not None and previous.status in LIVE_CERTIFICATE:
        _supersede(actor=actor, certificate=previous, by=certificate)
    plan_cycle(actor=actor, certificate=certificate)
    return certificate


def _supersede(*, actor, certificate: Certificate, by: Certificate) -> None:
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    certificate.status = CertStatus.SUPERSEDED
    why = f"superseded by {by.reference} ({by.number})"
    save_with_history(certificate, actor=actor, reason=why[0].upper() + why[1:])
    _cancel_planned(actor=actor, certificate=certificate, why=f"certificate {why}")


CERTIFICATE_TRANSITIONS: dict[str, Transition] = {
    "suspend": Transition("Suspend", (CertStatus.ACTIVE,), CertStatus.SUSPENDED),
    "reinstate": Transition("Reinstate", (CertStatus.SUSPENDED,), CertStatus.ACTIVE),
    "withdraw": Transition("Withdraw", LIVE_CERTIFICATE, CertStatus.WITHDRAWN),
}


def certificate_transition_refusal(certificate: Certificate, action: str) -> str | None:
    transition = CERTIFICATE_TRANSITIONS.get(action)
    if transition is None:
        return f"Unknown action '{action}'."
    if certificate.status not in transition.sources:
        allowed = ", ".join(CertStatus(s).label.lower() for s in transition.sources)
        return (
            f"'{transition.label}' is not possible while certificate {certificate.number} is "
            f"{certificate.get_status_display().lower()} (only while {allowed})."
        )
    return None


def available_certificate_transitions(
    *, actor, certificate: Certificate
) -> list[tuple[str, Transition]]:
    if not has_perm(actor, "audits.change_certificate"):
        return []
    return [
        (n, t)
        for n, t in CERTIFICATE_TRANSITIONS.items()
        if certificate_transition_refusal(certificate, n) is None
    ]


@transaction.atomic
def certificate_transition(
    *, actor, certificate: Certificate, action: str, reason: str = ""
) -> Certificate:
    """Suspend, reinstate or withdraw a certificate; ``reason`` (required) goes into its
    history. Withdrawing cancels the audits still planned for it."""
    _require_write(actor, "audits.change_certificate", "certificate")
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    refusal = certificate_transition_refusal(certificate, action)
    if refusal:
        code = (
            Code.UNKNOWN_ACTION
            if action not in CERTIFICATE_TRANSITIONS
            else Code.TRANSITION_NOT_ALLOWED
        )
        raise TransitionNotAllowed(refusal, code=code)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["Say why (the body's decision, its date)."]})
    transition = CERTIFICATE_TRANSITIONS[action]
    certificate.status = transition.target
    save_with_history(certificate, actor=actor, reason=f"{transition.label}: {reason}")
    if action == "withdraw":
        _cancel_planned(
            actor=actor, certificate=certificate, why=f"certificate withdrawn ({reason})"
        )
    return certificate
