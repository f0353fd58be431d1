"""Writes of the certification body's findings and our responses, with their rules.

A finding (EXF-) is recorded against at least one clause or Annex A control. A nonconformity
(major or minor) carries the body's response deadline and an owner, and opens a corrective
action (aims CAPA) with that deadline at once; an opportunity for improvement needs neither
and opens nothing. The finding then moves through ``TRANSITIONS``: open -> responded (a
response record sent to the body) -> closed (the body accepts); a response the body does not
accept sends it back to open, with a note. Each rule is a refusal predicate here, called by
the service and by the pages and the API to decide what to offer.

Past the deadline with no response sent (``ExternalFinding.overdue_q``), a finding is escalated
once to every governance officer (:func:`escalate_overdue`, run daily)."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from aims.capa import services as capa_services
from aims.errors import BusinessRuleError, RuleForbidden, TransitionNotAllowed
from aims.evidence.services import evidence_attach_to_verification
from aims.history import save_with_history, stamp
from aims.models import Evidence
from aims.notifications.services import notify, users_in_role
from aims.people import display_name
from aims.permissions import has_perm
from aims.roles import OFFICER

from ..errors import Code
from ..models import CatalogueItem, ExternalAudit, ExternalFinding, FindingResponse

Status = ExternalFinding.Status
Kind = ExternalFinding.Kind

ADD = "audits.add_externalfinding"
CHANGE = "audits.change_externalfinding"
RESPOND = "audits.add_findingresponse"


@dataclass(frozen=True)
class Transition:
    label: str
    sources: tuple[str, ...]
    target: str


#: The moves of a finding. "close" from open is only for an opportunity for improvement
#: (a nonconformity closes once its response was sent: see :func:`close_refusal`).
TRANSITIONS: dict[str, Transition] = {
    "respond": Transition("Send response", (Status.OPEN,), Status.RESPONDED),
    "close": Transition(
        "Close (accepted by the body)", (Status.OPEN, Status.RESPONDED), Status.CLOSED
    ),
    "reopen": Transition(
        "Reopen (response not accepted)", (Status.RESPONDED, Status.CLOSED), Status.OPEN
    ),
}


def finding_url(finding: ExternalFinding) -> str:
    try:
        return reverse("certification:finding_detail", args=[finding.pk])
    except NoReverseMatch:
        return ""


def _transition_refusal(finding: ExternalFinding, action: str) -> BusinessRuleError | None:
    transition = TRANSITIONS[action]
    if finding.status in transition.sources:
        return None
    message = (
        f"'{transition.label}' is not possible while {finding.reference} is "
        f"'{finding.get_status_display()}'."
    )
    if finding.status == Status.CLOSED:
        return TransitionNotAllowed(message, code=Code.FINDING_CLOSED)
    return TransitionNotAllowed(message, code=Code.TRANSITION_NOT_ALLOWED)


# --- Refusal predicates ---------------------------------------------------------------------


def record_refusal(user, audit: ExternalAudit) -> BusinessRuleError | None:
    """Why ``user`` may not record a finding on ``audit`` now, or None."""
    if not has_perm(user, ADD):
        return RuleForbidden(
            "Only governance officers record the body's findings.", code=Code.PERMISSION_DENIED
        )
    if audit.status == ExternalAudit.Status.CANCELLED:
        return TransitionNotAllowed(
            f"{audit.reference} was cancelled: it has no findings.", code=Code.AUDIT_CLOSED
        )
    return None


def edit_refusal(user, finding: ExternalFinding) -> BusinessRuleError | None:
    if not has_perm(user, CHANGE):
        return RuleForbidden(
            "Only governance officers edit the body's findings.", code=Code.PERMISSION_DENIED
        )
    if finding.status != Status.OPEN:
        message = (
            f"{finding.reference} is '{finding.get_status_display()}': it is edited only while "
            "open (reopen it first)."
        )
        if finding.status == Status.CLOSED:
            return TransitionNotAllowed(message, code=Code.FINDING_CLOSED)
        return TransitionNotAllowed(message, code=Code.TRANSITION_NOT_ALLOWED)
    return None


def can_respond_as(user, finding: ExternalFinding) -> bool:
    """Governance officers answer any finding; its owner answers their own."""
    return has_perm(user, RESPOND) or (
        finding.owner_id is not None and finding.owner_id == getattr(user, "pk", None)
    )


def respond_refusal(user, finding: ExternalFinding) -> BusinessRuleError | None:
    """Why ``user`` may not send a response to ``finding`` now, or None."""
    if not can_respond_as(user, finding):
        return RuleForbidden(
            "Only governance officers and the finding's owner answer it.",
            code=Code.PERMISSION_DENIED,
        )
    if not finding.is_nonconformity:
        return TransitionNotAllowed(
            "An opportunity for improvement is not answered: the body expects no response.",
            code=Code.NOT_A_NONCONFORMITY,
        )
    return _transition_refusal(finding, "respond")


def close_refusal(user, finding: ExternalFinding) -> BusinessRuleError | None:
    """Why ``user`` may not close ``finding`` (the body accepted it), or None."""
    if not has_perm(user, CHANGE):
        return RuleForbidden(
            "Only governance officers close the body's findings.", code=Code.PERMISSION_DENIED
        )
    refusal = _transition_refusal(finding, "close")
    if refusal is not None:
        return refusal
    if finding.is_nonconformity and finding.status != Status.RESPONDED:
        return TransitionNotAllowed(
            "A nonconformity closes once our response has been sent to the body.",
            code=Code.PREREQUISITES_MISSING,
        )
    return None


def reopen_refusal(user, finding: ExternalFinding) -> BusinessRuleError | None:
    """Why ``user`` may not reopen ``finding`` (the body did not accept), or None."""
    if not has_perm(user, CHANGE):
        return RuleForbidden(
            "Only governance officers reopen the body's findings.", code=Code.PERMISSION_DENIED
        )
    return _transition_refusal(finding, "reopen")


def available_actions(user, finding: ExternalFinding) -> dict[str, bool]:
    """Which actions the pages and the API offer ``user`` on ``finding``: the same
    predicates the services enforce."""
    return {
        "edit": edit_refusal(user, finding) is None,
        "respond": respond_refusal(user, finding) is None,
        "close": close_refusal(user, finding) is None,
        "reopen": reopen_refusal(user, finding) is None,
    }


# --- Recording and editing ------------------------------------------------------------------


FIELDS = ("kind", "title", "description", "clauses", "response_due", "owner")


def _check(
    audit: ExternalAudit,
    *,
    kind: str,
    clauses: list[CatalogueItem],
    response_due: date | None,
    owner,
) -> None:
    errors: dict[str, list[str]] = {}
    if not clauses:
        errors["clauses"] = ["Name at least one clause or control the finding is raised against."]
    nonconformity = kind in (Kind.MAJOR, Kind.MINOR)
    if nonconformity:
        if response_due is None:
            errors["response_due"] = ["A nonconformity needs the body's response deadline."]
        elif audit.start_date and response_due < audit.start_date:
            errors["response_due"] = [
                f"The deadline cannot be before the audit started ({audit.start_date:%d %b %Y})."
            ]
        if owner is None:
            errors["owner"] = ["A nonconformity needs an owner who answers it."]
        elif not owner.is_active:
            errors["owner"] = [f"{display_name(owner)} has a disabled account."]
    elif response_due is not None:
        errors["response_due"] = [
            "An opportunity for improvement has no response deadline: leave it empty."
        ]
    if errors:
        raise ValidationError(errors)


def capa_text(finding: ExternalFinding) -> dict[str, str]:
    codes = ", ".join(c.code for c in finding.clauses.all())
    return {
        "title": f"Correct {finding.reference}: {finding.title}"[:200],
        "nonconformity": (
            f"{finding.get_kind_display()} raised by {finding.audit.body.name} in "
            f"{finding.audit.reference} against {codes}: {finding.description}"
        ),
        "action_plan": (
            "Answer the certification body by the deadline: correct the nonconformity, find "
            "its root cause and remove it."
        ),
    }


def _open_capa(actor, finding: ExternalFinding) -> None:
    text = capa_text(finding)
    capa = capa_services.capa_create(
        actor=actor,
        source=finding,
        title=text["title"],
        nonconformity=text["nonconformity"],
        action_plan=text["action_plan"],
        due_date=finding.response_due,
        owner=finding.owner,
    )
    finding.corrective_action = capa
    stamp(finding, actor=actor, reason=f"Corrective action {capa.reference} opened")
    finding.save(update_fields=["corrective_action", "updated_at"])


def _tell_owner(finding: ExternalFinding) -> None:
    if finding.owner is None:
        return
    due = f", response due {finding.response_due:%d %b %Y}" if finding.response_due else ""
    notify(
        recipients=[finding.owner],
        title=f"{finding.reference} of the certification body is yours to answer{due}",
        body=f"{finding.get_kind_display()}: {finding.title}",
        link=finding_url(finding),
    )


@transaction.atomic
def record_finding(
    *,
    audit: ExternalAudit,
    actor,
    kind: str,
    title: str,
    description: str,
    clauses: Iterable[CatalogueItem],
    response_due: date | None = None,
    owner=None,
) -> ExternalFinding:
    """Record a finding of the body on ``audit``; a nonconformity opens its corrective
    action (due on the body's deadline, owned by the finding's owner)."""
    audit = (
        ExternalAudit.objects.select_for_update(of=("self",))
        .select_related("body")
        .get(pk=audit.pk)
    )
    refusal = record_refusal(actor, audit)
    if refusal is not None:
        raise refusal
    clauses = list(clauses)
    _check(audit, kind=kind, clauses=clauses, response_due=response_due, owner=owner)
    finding = ExternalFinding(
        audit=audit,
        kind=kind,
        title=title,
        description=description,
        response_due=response_due,
        owner=owner,
        raised_by=actor,
    )
    save_with_history(
        finding, actor=actor, reason=f"Finding of the body recorded in {audit.reference}"
    )
    finding.clauses.set(clauses)
    if finding.is_nonconformity:
        _open_capa(actor, finding)
    if finding.owner_id and finding.owner_id != actor.pk:
        _tell_owner(finding)
    return finding


@transaction.atomic
def update_finding(*, finding: ExternalFinding, actor, data: dict[str, Any]) -> ExternalFinding:
    """Edit an open finding. A new deadline may escalate again once passed; an opportunity
    for improvement turned into a nonconformity opens its corrective action; a nonconformity
    with a corrective action is not downgraded."""
    unknown = set(data) - set(FIELDS)
    if unknown:
        raise ValidationError({name: ["This field cannot be changed."] for name in unknown})
    finding = (
        ExternalFinding.objects.select_for_update(of=("self",))
        .select_related("audit__body", "owner")
        .get(pk=finding.pk)
    )
    refusal = edit_refusal(actor, finding)
    if refusal is not None:
        raise refusal
    data = dict(data)
    clauses = list(data.pop("clauses")) if "clauses" in data else list(finding.clauses.all())
    values = {f: data.get(f, getattr(finding, f)) for f in ("kind", "response_due", "owner")}
    _check(finding.audit, clauses=clauses, **values)
    if finding.corrective_action_id and values["kind"] == Kind.OFI:
        raise TransitionNotAllowed(
            "This nonconformity already has a corrective action; it cannot become an "
            "opportunity for improvement.",
            code=Code.HAS_CAPA,
        )
    changed = sorted(f for f, v in data.items() if getattr(finding, f) != v)
    if {c.pk for c in clauses} != set(finding.clauses.values_list("pk", flat=True)):
        changed.append("clauses")
    new_owner = "owner" in changed
    if "response_due" in changed:
        finding.escalated_at = None
    for field, value in data.items():
        setattr(finding, field, value)
    save_with_history(finding, actor=actor, reason=f"Edited: {', '.join(changed) or 'nothing'}")
    finding.clauses.set(clauses)
    if finding.is_nonconformity and finding.corrective_action_id is None:
        _open_capa(actor, finding)
    if new_owner and finding.owner_id and finding.owner_id != actor.pk:
        _tell_owner(finding)
    return finding


# --- Responses and the body's decision ------------------------------------------------------


@transaction.atomic
def send_response(
    *,
    finding: ExternalFinding,
    actor,
    correction: str,
    root_cause: str,
    corrective_action_taken: str,
    sent_on: date,
    evidence_file=None,
    evidence_url: str = "",
    evidence_title: str = "",
) -> FindingResponse:
    """Record the response sent to the body on a nonconformity; the finding is then
    "responded" until the body accepts (close) or does not (reopen)."""
    finding = (
        ExternalFinding.objects.select_for_update(of=("self",))
        .select_related("audit")
        .get(pk=finding.pk)
    )
    refusal = respond_refusal(actor, finding)
    if refusal is not None:
        raise refusal
    errors: dict[str, list[str]] = {}
    for name, value in (
        ("correction", correction),
        ("root_cause", root_cause),
        ("corrective_action_taken", corrective_action_taken),
    ):
        if not (value or "").strip():
            errors[name] = ["This field cannot be blank."]
    if sent_on is None:
        errors["sent_on"] = ["Give the day the response was sent."]
    elif sent_on > timezone.localdate():
        errors["sent_on"] = ["The response cannot be sent in the future."]
    elif sent_on < finding.audit.start_date:
        errors["sent_on"] = ["The response cannot predate the audit."]
    if errors:
        raise ValidationError(errors)
    response = FindingResponse(
        finding=finding,
        correction=correction.strip(),
        root_cause=root_cause.strip(),
        corrective_action_taken=corrective_action_taken.strip(),
        sent_on=sent_on,
        sent_by=actor,
    )
    save_with_history(response, actor=actor, reason=f"Response to {finding.reference} sent")
    if evidence_file or evidence_url:
        evidence_attach_to_verification(
            actor=actor,
            target=response,
            title=evidence_title.strip() or f"Response to {finding.reference}",
            file=evidence_file,
            url=evidence_url,
        )
    finding.status = Status.RESPONDED
    save_with_history(finding, actor=actor, reason=f"Response sent on {sent_on:%d %b %Y}")
    return response


@transaction.atomic
def close_finding(*, finding: ExternalFinding, actor, note: str = "") -> ExternalFinding:
    """The body accepted: close the finding (a nonconformity only once answered)."""
    finding = ExternalFinding.objects.select_for_update(of=("self",)).get(pk=finding.pk)
    refusal = close_refusal(actor, finding)
    if refusal is not None:
        raise refusal
    finding.status = Status.CLOSED
    finding.closed_at = timezone.now()
    finding.closure_note = (note or "").strip()
    reason = "Closed: accepted by the body"
    if finding.closure_note:
        reason += f" ({finding.closure_note})"
    save_with_history(finding, actor=actor, reason=reason)
    return finding


@transaction.atomic
def reopen_finding(*, finding: ExternalFinding, actor, note: str) -> ExternalFinding:
    """The body did not accept the response (or reopened the finding): back to open."""
    finding = ExternalFinding.objects.select_for_update(of=("self",)).get(pk=finding.pk)
    refusal = reopen_refusal(actor, finding)
    if refusal is not None:
        raise refusal
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": ["Say why the body did not accept it."]})
    finding.status = Status.OPEN
    finding.closed_at = None
    finding.closure_note = ""
    save_with_history(finding, actor=actor, reason=f"Reopened: {note}")
    if finding.owner_id:
        notify(
            recipients=[finding.owner],
            title=f"{finding.reference} reopened: the body did not accept the response",
            body=note,
            link=finding_url(finding),
        )
    return finding


# --- Escalation -----------------------------------------------------------------------------


def escalate_overdue(*, today: date | None = None) -> list[int]:
    """Escalate every overdue finding not yet escalated: all governance officers are told
    once, and ``escalated_at`` is set. Safe to run any number of times (and concurrently:
    the rows are locked and re-checked). Answers the ids escalated."""
    today = today or timezone.localdate()
    done: list[int] = []
    with transaction.atomic():
        rows = list(
            ExternalFinding.objects.select_for_update(of=("self",))
            .filter(ExternalFinding.overdue_q(today), escalated_at__isnull=True)
            .select_related("audit__body", "owner")
            .order_by("pk")
        )
        if not rows:
            return done
        officers = list(users_in_role(OFFICER))
        now = timezone.now()
        for finding in rows:
            finding.escalated_at = now
            stamp(
                finding,
                actor=None,
                reason=f"Escalated: no response sent by {finding.response_due:%d %b %Y}",
            )
            finding.save(update_fields=["escalated_at", "updated_at"])
            major = "MAJOR nonconformity " if finding.kind == Kind.MAJOR else ""
            notify(
                recipients=officers,
                title=(
                    f"Overdue: {major}{finding.reference} of {finding.audit.body.name} was due "
                    f"{finding.response_due:%d %b %Y}"
                ),
                body=(
                    f"{finding.get_kind_display()}: {finding.title}. No response has been sent. "
                    f"Owner: {display_name(finding.owner) if finding.owner else 'nobody'}."
                ),
                link=finding_url(finding),
            )
            done.append(finding.pk)
    return done


def evidence_of(response: FindingResponse):
    return Evidence.objects.filter(
        target_type=ContentType.objects.get_for_model(FindingResponse), target_id=response.pk
    )
