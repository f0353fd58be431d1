"""Writes of the 90-day plan and their rules.

Generation (:func:`generate_plan`) turns the gap assessment recorded on the Statement of
Applicability into tasks. A gap is an item the readiness computation
(:func:`audits.soa.readiness.readiness`) reports as applicable and not implemented: every
clause requirement, and every Annex A control included in the SoA, whose implementation
status is not "implemented". The phasing rule (:func:`phase_for`, shown on the plan page as
:data:`PHASE_RULE`):

- phase 1, days 1-30: the foundations: requirements of clauses 4 to 6 (context and scope,
  leadership, policy and roles, planning: the risk method and objectives) not begun yet
  (not started or planned);
- phase 2, days 31-60: the other clause requirements (clauses 7 to 10) not implemented, and
  every requirement or control already partly implemented (finish what is under way);
- phase 3, days 61-90: the Annex A controls included in the SoA and not begun yet.

Each task goes to the statement's owner when they can act on records, else to the officer
generating the plan; it is due on the last day of its phase's window (never before today).
Generating again adds tasks only for gaps that have no task still to do (open or in
progress), so nothing is duplicated; a gap whose task was done or dropped while the SoA still
shows it gets a new task. Generation is refused (:func:`generate_refusal`) before any gap
assessment is recorded, and when no gap is left without a task.

Task actions go through ``TRANSITIONS``: open -> in progress -> done (with a note of what was
done), or open / in progress -> dropped (with a reason). The task's owner starts their task
and marks it done; officers do anything, and alone add tasks by hand, drop tasks and
reassign their owner or due date (:func:`transition_refusal`, :func:`can_run_plan`).
"""

from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from aims.errors import BusinessRuleError, RuleForbidden, TransitionNotAllowed
from aims.history import save_with_history
from aims.notifications.services import notify
from aims.people import display_name
from aims.permissions import has_global_perm

from ..errors import Code
from ..models import CatalogueItem, ControlStatement
from ..soa.assignments import able_to_act
from ..soa.readiness import ItemReadiness, Readiness, readiness
from .models import Plan, PlanTask

Status = PlanTask.Status
Implementation = ControlStatement.Implementation
RUN_PERM = "audits.change_plantask"
VIEW_PERM = "audits.view_plantask"
FOUNDATION_CLAUSES = ("4", "5", "6")
NOT_BEGUN = (Implementation.NOT_STARTED, Implementation.PLANNED)

#: The phasing rule in words, for the plan page and the API.
PHASE_RULE = {
    1: "Foundations: requirements of clauses 4 to 6 (context and scope, leadership, policy "
    "and roles, the risk method and objectives) not begun yet.",
    2: "The other clause requirements (clauses 7 to 10) not implemented yet, and every "
    "requirement or control already partly implemented.",
    3: "The Annex A controls included in the Statement of Applicability and not begun yet.",
}


def plan_url() -> str:
    try:
        return reverse("plan:progress")
    except NoReverseMatch:  # the pages are not mounted
        return ""


def task_url(task: PlanTask) -> str:
    try:
        return reverse("plan:task_detail", args=[task.pk])
    except NoReverseMatch:
        return ""


def field_refusal(field: str, message: str, code: str) -> BusinessRuleError:
    """A refusal about one input, listed under ``extra.fields`` (the API) and put under the
    field (the browser)."""
    return BusinessRuleError(message, code=code, extra={"fields": {field: [message]}})


# --- Predicates -----------------------------------------------------------------------------


def can_run_plan(user: AbstractBaseUser) -> bool:
    """Governance officers generate the plan, add tasks, drop and reassign them."""
    return has_global_perm(user, RUN_PERM)


def can_view_plan(user: AbstractBaseUser) -> bool:
    """Officers and auditors read the whole plan; anyone else who owns a task reads theirs."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return has_global_perm(user, VIEW_PERM) or PlanTask.objects.filter(owner=user).exists()


def can_work_on(user: AbstractBaseUser, task: PlanTask) -> bool:
    """An officer works on any task; the owner of a task on theirs (if they can act)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if can_run_plan(user):
        return True
    return task.owner_id == user.pk and able_to_act(user)


@dataclass(frozen=True)
class Transition:
    label: str
    sources: tuple[str, ...]
    target: str
    officers_only: bool = False


TRANSITIONS: dict[str, Transition] = {
    "start": Transition("Start", (Status.OPEN,), Status.IN_PROGRESS),
    "done": Transition("Mark done", (Status.OPEN, Status.IN_PROGRESS), Status.DONE),
    "drop": Transition(
        "Drop", (Status.OPEN, Status.IN_PROGRESS), Status.DROPPED, officers_only=True
    ),
}


def transition_refusal(user, task: PlanTask, action: str) -> BusinessRuleError | None:
    """Why ``user`` may not take ``action`` on ``task`` now, or None: the one rule behind the
    buttons, the pages, the API and the service."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        return TransitionNotAllowed(f"Unknown action '{action}'.", code=Code.UNKNOWN_ACTION)
    if not can_work_on(user, task) or (transition.officers_only and not can_run_plan(user)):
        who = (
            "Only governance officers"
            if transition.officers_only
            else "Only the task's owner or a governance officer"
        )
        return RuleForbidden(
            f"{who} may {transition.label.lower()} this task.", code=Code.PERMISSION_DENIED
        )
    if task.status not in transition.sources:
        return TransitionNotAllowed(
            f"'{transition.label}' is not possible while the task is "
            f"'{task.get_status_display().lower()}'.",
            code=Code.TRANSITION_NOT_ALLOWED,
        )
    return None


def available_actions(user, task: PlanTask) -> list[str]:
    """The actions ``user`` may take on ``task`` now, in the table's order."""
    return [name for name in TRANSITIONS if transition_refusal(user, task, name) is None]


def reassign_refusal(user, task: PlanTask) -> BusinessRuleError | None:
    """Why ``user`` may not change the owner or due date of ``task``, or None."""
    if not can_run_plan(user):
        return RuleForbidden(
            "Only governance officers reassign plan tasks.", code=Code.PERMISSION_DENIED
        )
    if task.is_closed:
        return TransitionNotAllowed(
            f"The task is {task.get_status_display().lower()}: it is no longer reassigned.",
            code=Code.TRANSITION_NOT_ALLOWED,
        )
    return None


def owner_refusal(owner) -> str:
    """Why ``owner`` cannot take a plan task ("" when they can)."""
    name = display_name(owner)
    if not owner.is_active:
        return f"{name}'s account is disabled: choose someone who can do the work."
    if not able_to_act(owner):
        return f"{name} holds no role that acts on records (auditors read only)."
    return ""


# --- The gaps and the phasing rule ----------------------------------------------------------


def assessment_recorded() -> bool:
    """Whether a gap assessment is on the SoA: at least one requirement or control has left
    its loaded state (an implementation status other than "not started", an owner, or an
    exclusion)."""
    return (
        ControlStatement.objects.filter(item__is_heading=False)
        .exclude(
            implementation_status=Implementation.NOT_STARTED,
            owner__isnull=True,
            applicable=True,
        )
        .exists()
    )


def plan_gaps(state: Readiness) -> list[ItemReadiness]:
    """The gaps the plan closes, from the readiness computation: applicable requirements and
    controls not implemented (an excluded Annex A control has nothing to implement)."""
    return [
        i for i in state.items if not i.item.is_heading and not i.excluded and not i.implemented
    ]


def phase_for(state: ItemReadiness) -> int:
    """The phase of one gap (see the module docstring and :data:`PHASE_RULE`)."""
    item = state.item
    begun = state.statement.implementation_status not in NOT_BEGUN
    if item.kind == CatalogueItem.Kind.CLAUSE:
        if not begun and item.code.split(".")[0] in FOUNDATION_CLAUSES:
            return 1
        return 2
    return 2 if begun else 3


def covered_items() -> set[int]:
    """Catalogue items that have a task still to do."""
    return set(
        PlanTask.objects.filter(status__in=PlanTask.WORKING, item__isnull=False).values_list(
            "item_id", flat=True
        )
    )


def unplanned_gaps(today: date | None = None) -> list[ItemReadiness]:
    """The gaps without a task still to do: what a generation would add."""
    covered = covered_items()
    return [g for g in plan_gaps(readiness(today=today)) if g.item.pk not in covered]


def generate_refusal(actor, *, gaps: list[ItemReadiness] | None = None) -> BusinessRuleError | None:
    """Why ``actor`` may not generate the plan now, or None. ``gaps`` (from
    :func:`unplanned_gaps`) saves recomputing them."""
    if not can_run_plan(actor):
        return RuleForbidden(
            "Only governance officers generate the 90-day plan.", code=Code.PERMISSION_DENIED
        )
    if not assessment_recorded():
        return TransitionNotAllowed(
            "There is nothing to plan yet: record the gap assessment first (how far each "
            "requirement and control is implemented, and who owns it).",
            code=Code.NO_ASSESSMENT,
        )
    if not (unplanned_gaps() if gaps is None else gaps):
        return TransitionNotAllowed(
            "There is nothing new to plan: every requirement and control not implemented yet "
            "already has a task in the plan.",
            code=Code.NOTHING_TO_PLAN,
        )
    return None


# --- Writes ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Generated:
    plan: Plan
    created: list[PlanTask]

    @property
    def by_phase(self) -> dict[int, int]:
        counts = {1: 0, 2: 0, 3: 0}
        for task in self.created:
            counts[task.phase] += 1
        return counts

    @property
    def message(self) -> str:
        n = len(self.created)
        parts = ", ".join(f"{c} in phase {p}" for p, c in self.by_phase.items() if c)
        return f"The 90-day plan now has {n} new task{'s' if n != 1 else ''} ({parts})."


def _description(gap: ItemReadiness) -> str:
    status = gap.statement.get_implementation_status_display().lower()
    parts = [f"Today it is {status}.", gap.next_step]
    if gap.item.guidance:
        parts.append(gap.item.guidance)
    return " ".join(p for p in parts if p)


START_WINDOW_DAYS = 365


def start_refusal(start: date | None, today: date) -> BusinessRuleError | None:
    """Why ``start`` cannot be the plan's day 1, or None: it lies within a year of today (the
    phases are counted from it)."""
    if start is not None and abs((start - today).days) > START_WINDOW_DAYS:
        return field_refusal("start", "Choose a start date within a year of today.", Code.INVALID)
    return None


@transaction.atomic
def generate_plan(*, actor, start: date | None = None, today: date | None = None) -> Generated:
    """Generate the 90-day plan from the gap assessment (the rule: the module docstring).

    The first generation sets the plan's start date (``start``, default today); later ones
    keep it and add tasks only for gaps without a task still to do. Refused (see
    :func:`generate_refusal`) when there is nothing to plan."""
    today = today or timezone.localdate()
    # One generation at a time: a second waits here and then finds the first one's tasks.
    plan = Plan.objects.select_for_update().order_by("id").first()
    gaps = unplanned_gaps(today)
    refusal = generate_refusal(actor, gaps=gaps)
    if refusal is not None:
        raise refusal
    if plan is None:
        refusal = start_refusal(start, today)
        if refusal is not None:
            raise refusal
        plan = Plan(start_date=start or today, generated_by=actor)
        reason = "90-day plan generated from the gap assessment"
    else:
        reason = "90-day plan generated again: tasks added for new gaps"
    plan.generated_by = actor
    plan.last_generated_at = timezone.now()
    save_with_history(plan, actor=actor, reason=reason)
    created = []
    able: dict[int, bool] = {}  # owner id -> may take tasks (one query per person)
    for gap in gaps:
        statement_owner = gap.statement.owner
        if statement_owner is not None and statement_owner.pk not in able:
            able[statement_owner.pk] = not owner_refusal(statement_owner)
        owner = statement_owner if statement_owner and able[statement_owner.pk] else actor
        phase = phase_for(gap)
        task = PlanTask(
            title=f"{gap.item.code} {gap.item.title}"[:200],
            description=_description(gap),
            item=gap.item,
            phase=phase,
            owner=owner,
            due_date=max(plan.phase_end(phase), today),
            created_by=actor,
        )
        save_with_history(
            task, actor=actor, reason=f"Generated for the gap on {gap.item.code} (phase {phase})"
        )
        created.append(task)
    _tell_owners(actor, created)
    return Generated(plan, created)


def _tell_owners(actor, tasks: list[PlanTask]) -> None:
    """One notification per owner (other than the actor) of the tasks they were given."""
    mine: dict[int, list[PlanTask]] = {}
    for task in tasks:
        if task.owner_id != actor.pk:
            mine.setdefault(task.owner_id, []).append(task)
    for owned in mine.values():
        first = min(owned, key=lambda t: t.due_date)
        notify(
            recipients=[owned[0].owner],
            title=f"{len(owned)} task{'s' if len(owned) != 1 else ''} of the 90-day plan for "
            f"you; the first is due {first.due_date:%d %b %Y}",
            body="Generated from the gap assessment of the AI management system.",
            link=plan_url(),
        )


def _check_owner_and_due(owner, due_date: date | None, today: date) -> None:
    if owner is not None:
        refusal = owner_refusal(owner)
        if refusal:
            raise field_refusal("owner", refusal, Code.OWNER_CANNOT_ACT)
    if due_date is not None and due_date < today:
        raise field_refusal("due_date", "The due date cannot be in the past.", Code.DUE_DATE_PAST)


@transaction.atomic
def task_create(
    *,
    actor,
    title: str,
    phase: int,
    owner,
    due_date: date,
    description: str = "",
    item: CatalogueItem | None = None,
    today: date | None = None,
) -> PlanTask:
    """Add a task to the plan by hand (officers)."""
    if not can_run_plan(actor):
        raise RuleForbidden(
            "Only governance officers add tasks to the 90-day plan.", code=Code.PERMISSION_DENIED
        )
    _check_owner_and_due(owner, due_date, today or timezone.localdate())
    task = PlanTask(
        title=(title or "").strip(),
        description=(description or "").strip(),
        item=item,
        phase=phase,
        owner=owner,
        due_date=due_date,
        created_by=actor,
    )
    save_with_history(task, actor=actor, reason="Task added to the 90-day plan by hand")
    if owner.pk != actor.pk:
        notify(
            recipients=[owner],
            title=f"{task.reference} of the 90-day plan for you: {task.title}",
            body=f"Due {due_date:%d %b %Y}.",
            link=task_url(task),
        )
    return task


@transaction.atomic
def task_transition(*, actor, task: PlanTask, action: str, note: str = "") -> PlanTask:
    """Start a task, mark it done (``note``: what was done) or drop it (``note``: why)."""
    task = PlanTask.objects.select_for_update().get(pk=task.pk)
    refusal = transition_refusal(actor, task, action)
    if refusal is not None:
        raise refusal
    note = (note or "").strip()
    transition = TRANSITIONS[action]
    if action == "done":
        if not note:
            raise field_refusal("note", "Say what was done.", Code.NOTE_REQUIRED)
        task.done_note, task.done_at = note, timezone.now()
    elif action == "drop":
        if not note:
            raise field_refusal("note", "Say why the task is dropped.", Code.REASON_REQUIRED)
        task.drop_reason = note
    task.status = transition.target
    reason = transition.label if not note else f"{transition.label}: {note}"
    save_with_history(task, actor=actor, reason=reason[:250])
    return task


@transaction.atomic
def task_reassign(
    *, actor, task: PlanTask, owner=None, due_date: date | None = None, today: date | None = None
) -> PlanTask:
    """Change the owner and/or the due date of a task still to do (officers)."""
    task = PlanTask.objects.select_for_update().select_related("owner").get(pk=task.pk)
    refusal = reassign_refusal(actor, task)
    if refusal is not None:
        raise refusal
    new_owner = owner if owner is not None and owner.pk != task.owner_id else None
    new_due = due_date if due_date is not None and due_date != task.due_date else None
    _check_owner_and_due(new_owner, new_due, today or timezone.localdate())
    if new_owner is None and new_due is None:
        return task
    words = []
    if new_owner is not None:
        task.owner = new_owner
        words.append(f"owner {display_name(new_owner)}")
    if new_due is not None:
        task.due_date = new_due
        words.append(f"due {new_due:%Y-%m-%d}")
    save_with_history(task, actor=actor, reason="Reassigned: " + ", ".join(words))
    if new_owner is not None and new_owner.pk != actor.pk:
        notify(
            recipients=[new_owner],
            title=f"{task.reference} of the 90-day plan for you: {task.title}",
            body=f"Due {task.due_date:%d %b %Y}.",
            link=task_url(task),
        )
    return task
