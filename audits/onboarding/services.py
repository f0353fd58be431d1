"""Writes of the first run. Each step is saved when submitted, through the service that owns
the record it writes (the profile and scope: aims.ms.services; AI systems: the inventory's
intake; statements: audits.soa.services); this module only adds the first run's own record
(audits.FirstRun: steps finished, items assessed, how each system was in use).

- ``first_run_refusal``: who may walk the first run (governance officers).
- ``scope_step_save``: the scope (4.3) and the frameworks in use, together.
- ``stock_add``: several AI systems at once, all or none.
- ``gap_assess``: a batch of {code, status, owner, evidence_note}; bad codes or statuses are
  field errors and nothing is saved.
- ``first_run_mark_step``: record that a step was finished (taking stock, reaching the plan).
"""

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from aims.errors import RuleForbidden
from aims.history import save_with_history
from aims.models import OrganisationProfile
from aims.ms import services as ms_services
from aims.permissions import has_global_perm
from inventory import services as inventory_services
from inventory.models import AITechnique, BusinessUnit, DecisionImpact, HumanOversight

from ..errors import Code
from ..models import CatalogueItem, ControlStatement, FirstRun
from ..soa import services as soa_services

User = get_user_model()
Implementation = ControlStatement.Implementation
Framework = OrganisationProfile.Framework

WRITE_PERM = "audits.change_firstrun"
STEPS = ("profile", "scope", "systems", "assessment", "plan")
MARKED_STEPS = ("systems", "plan")  # the steps whose record is the first run's own

# The assessment's three answers and the implementation status each writes on the statement.
GAP_STATUSES = {
    "implemented": Implementation.IMPLEMENTED,
    "partly": Implementation.PARTIAL,
    "not": Implementation.NOT_STARTED,
}
GAP_STATUS_LABELS = {"implemented": "Implemented", "partly": "Partly", "not": "Not implemented"}


def gap_status_of(implementation_status: str) -> str:
    """The assessment's answer for a statement's status (planned counts as not yet)."""
    for answer, status in GAP_STATUSES.items():
        if status == implementation_status:
            return answer
    return "not"


class StockStatus:
    """How a system found while taking stock is used today (kept on the first run's record:
    every system enters the inventory at intake and passes triage and the gates)."""

    IN_USE = "in_use"
    IN_DEVELOPMENT = "in_development"
    PLANNED = "planned"
    choices = [
        (IN_USE, "In use"),
        (IN_DEVELOPMENT, "Being built or piloted"),
        (PLANNED, "Planned"),
    ]


# What taking stock does not ask: the owner completes these at triage.
STOCK_DEFAULTS = {
    "business_unit": BusinessUnit.OTHER,
    "ai_technique": AITechnique.OTHER,
    "decision_impact": DecisionImpact.ASSISTS,
    "human_oversight": HumanOversight.IN_COMMAND,
}


def can_run_first_run(user) -> bool:
    return has_global_perm(user, WRITE_PERM)


def first_run_refusal(user) -> RuleForbidden | None:
    """Only governance officers walk the first run."""
    if not can_run_first_run(user):
        return RuleForbidden(
            "Only governance officers run the first set-up.", code=Code.PERMISSION_DENIED
        )
    return None


def _require(actor) -> None:
    refusal = first_run_refusal(actor)
    if refusal is not None:
        raise refusal


def first_run_current() -> FirstRun | None:
    return FirstRun.objects.order_by("pk").first()


def _locked(actor) -> FirstRun:
    """The first run's record, locked for this transaction (created on the first write)."""
    record = first_run_current()
    if record is None:
        return FirstRun(started_by=actor)
    return FirstRun.objects.select_for_update().get(pk=record.pk)


def _complete(record: FirstRun) -> None:
    """Stamp the end of the first run once every step is done (the same test as the page)."""
    from .selectors import first_run_progress

    if record.completed_at is None and all(
        s.status == "done" for s in first_run_progress(record=record)
    ):
        record.completed_at = timezone.now()


@transaction.atomic
def first_run_mark_step(*, actor, step: str) -> FirstRun:
    """Record that ``step`` (taking stock, reaching the plan) was finished; once is enough."""
    _require(actor)
    if step not in MARKED_STEPS:
        raise ValidationError({"step": [f"Unknown step: {step}."]})
    record = _locked(actor)
    if step in record.steps_done:
        return record
    record.steps_done = [s for s in STEPS if s in {*record.steps_done, step}]
    _complete(record)
    return save_with_history(record, actor=actor, reason=f"First run: step “{step}” done")


# --- Profile and scope ------------------------------------------------------------------------


@transaction.atomic
def profile_step_save(*, actor, data: dict[str, Any]) -> OrganisationProfile:
    """The organisation profile (step a), through the management system's service."""
    _require(actor)
    return ms_services.organisation_profile_save(actor=actor, data=data)


def scope_step_refusal() -> str | None:
    """The frameworks are kept on the profile: the profile comes first."""
    if ms_services.organisation_profile_current() is None:
        return "Save the organisation profile first: the frameworks in use are kept on it."
    return None


@transaction.atomic
def scope_step_save(
    *, actor, scope: dict[str, Any], frameworks: list[str], frameworks_other: str = ""
) -> None:
    """The AIMS scope (4.3) and the frameworks in use (step b), in one transaction."""
    _require(actor)
    refusal = scope_step_refusal()
    if refusal:
        raise ValidationError({"frameworks": [refusal]})
    chosen = [Framework.ISO42001, *[c for c in frameworks if c != Framework.ISO42001]]
    ms_services.organisation_profile_save(
        actor=actor, data={"frameworks": chosen, "frameworks_other": frameworks_other}
    )
    ms_services.scope_save(actor=actor, data=scope)


# --- Taking stock of AI use -----------------------------------------------------------------


@dataclass(frozen=True)
class StockRow:
    name: str
    purpose: str
    owner: Any
    deployment_type: str
    vendor: str
    status: str


@transaction.atomic
def stock_add(*, actor, rows: list[StockRow]) -> list:
    """Record several AI systems at once (step c), each through the inventory's intake (the
    same rules as a use case submitted by hand): all are saved, or none."""
    _require(actor)
    statuses = {value for value, _ in StockStatus.choices}
    for index, row in enumerate(rows):
        if row.status not in statuses:
            raise ValidationError({f"rows.{index}.status": [f"Unknown status: {row.status}."]})
    systems = []
    for row in rows:
        system = inventory_services.system_submit_intake(
            actor=actor,
            data={
                "name": row.name,
                "purpose": row.purpose,
                "deployment_type": row.deployment_type,
                **STOCK_DEFAULTS,
            },
            owner=row.owner,
            vendor=row.vendor,
        )
        systems.append(system)
    if systems:
        record = _locked(actor)
        record.stock = {
            **record.stock,
            **{s.reference: r.status for s, r in zip(systems, rows, strict=True)},
        }
        names = ", ".join(s.reference for s in systems)
        save_with_history(record, actor=actor, reason=f"First run: AI systems recorded ({names})")
    return systems


# --- Gap assessment -------------------------------------------------------------------------


@dataclass(frozen=True)
class GapAnswer:
    code: str
    status: str
    owner: Any = None  # a user, or None to leave the owner as it is
    evidence_note: str | None = None  # None leaves the statement's note as it is


def gap_answer_errors(answers: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Field errors of a batch of raw answers (unknown code, bad status, unknown owner), by
    position: ``{"answers.2.status": [...]}``. Empty when the batch can be saved."""
    errors: dict[str, list[str]] = {}
    codes = {a.get("code") for a in answers if isinstance(a, dict)}
    known = set(
        CatalogueItem.objects.filter(code__in=[c for c in codes if isinstance(c, str)])
        .filter(is_heading=False)
        .values_list("code", flat=True)
    )
    for index, answer in enumerate(answers):
        where = f"answers.{index}"
        if not isinstance(answer, dict):
            errors[where] = ["Each answer is an object with code and status."]
            continue
        if answer.get("code") not in known:
            errors[f"{where}.code"] = [f"Unknown requirement or control: {answer.get('code')}."]
        if answer.get("status") not in GAP_STATUSES:
            errors[f"{where}.status"] = [
                f"Unknown status: {answer.get('status')}; use {', '.join(GAP_STATUSES)}."
            ]
    return errors


@transaction.atomic
def gap_assess(*, actor, answers: list[GapAnswer]) -> int:
    """Write a batch of the gap assessment onto the statements (the SoA's first draft), each
    through the SoA's own service with its history reason; return how many were assessed.
    An unknown code or status is a field error and nothing is saved."""
    _require(actor)
    errors = gap_answer_errors([a.__dict__ for a in answers])
    if errors:
        raise ValidationError(errors)
    statements = {
        s.item.code: s
        for s in ControlStatement.objects.select_related("item").filter(
            item__code__in=[a.code for a in answers]
        )
    }
    for answer in answers:
        data: dict[str, Any] = {"implementation_status": GAP_STATUSES[answer.status]}
        if answer.owner is not None:
            data["owner"] = answer.owner
        if answer.evidence_note is not None:
            data["implementation_notes"] = answer.evidence_note.strip()
        soa_services.statement_update(
            actor=actor,
            statement=statements[answer.code],
            data=data,
            reason=f"Gap assessment (first run): {answer.code} "
            f"{GAP_STATUS_LABELS[answer.status].lower()}",
        )
    record = _locked(actor)
    new = [a.code for a in answers if a.code not in record.assessed]
    if new or record.pk is None:
        record.assessed = [*record.assessed, *new]
        _complete(record)
        save_with_history(record, actor=actor, reason=f"First run: {len(answers)} item(s) assessed")
    return len(answers)
