"""Reads of the 90-day plan, restricted to the user in SQL by the task's visibility rule
(``PlanTask.visibility_rule``: officers and auditors see every task, anyone else their own).

:func:`plan_progress` is what the dashboard panel, the first-run wizard and the API read:
per-phase totals and done, overdue tasks and the next task due, in a fixed few queries."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from aims.models import parse_reference

from .models import Plan, PlanTask

Status = PlanTask.Status

#: The task list's sortable columns (URL key -> field).
SORTABLE = {
    "reference": "id",
    "title": "title",
    "phase": "phase",
    "owner": "owner__username",
    "due": "due_date",
    "status": "status",
}


def current_plan() -> Plan | None:
    return Plan.objects.select_related("generated_by").order_by("id").first()


def task_list(*, user, filters: dict | None = None, today: date | None = None) -> QuerySet:
    """The tasks ``user`` sees, filtered by ``filters``: q (a TSK- reference, words of the
    title or a catalogue code), phase, status, owner, overdue."""
    filters = filters or {}
    qs = PlanTask.objects.restrict(user).select_related("owner", "item")
    qs = search_tasks(qs, filters.get("q") or "")
    if filters.get("phase"):
        qs = qs.filter(phase=int(filters["phase"]))
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("owner"):
        qs = qs.filter(owner=filters["owner"])
    if filters.get("overdue"):
        qs = qs.filter(PlanTask.overdue_q(today or timezone.localdate()))
    return qs


def search_tasks(qs: QuerySet, text: str) -> QuerySet:
    """Tasks whose reference is ``text`` (TSK-0012), or whose title holds it, or whose
    catalogue item's code it is."""
    text = text.strip()
    if not text:
        return qs
    pk = parse_reference(PlanTask.REFERENCE_PREFIX, text)
    return qs.filter(Q(pk=pk) if pk else Q(title__icontains=text) | Q(item__code=text))


def task_get(*, user, pk: int) -> PlanTask:
    """One task the user may see, or PlanTask.DoesNotExist (a 404)."""
    return task_list(user=user).select_related("created_by").get(pk=pk)


def task_owners(*, user) -> QuerySet:
    """The people owning tasks the user sees (for the owner filter)."""
    from django.contrib.auth import get_user_model

    ids = PlanTask.objects.restrict(user).values("owner_id")
    return get_user_model().objects.filter(pk__in=ids).order_by("username")


@dataclass(frozen=True)
class PhaseProgress:
    phase: int
    label: str
    start: date | None
    end: date | None
    total: int  # tasks of the phase, dropped ones aside
    done: int
    in_progress: int
    overdue: int
    dropped: int

    @property
    def open(self) -> int:
        """Still to do (open or in progress)."""
        return self.total - self.done

    @property
    def progress_label(self) -> str:
        return f"Progress of phase {self.phase} ({self.label.lower()})"

    @property
    def percent(self) -> int:
        """Whole percent done, rounded down: 100 only when every task is done."""
        return (100 * self.done) // self.total if self.total else 0


@dataclass(frozen=True)
class PlanProgress:
    """How far the 90-day plan is: what the dashboard, the wizard and the API show."""

    plan: Plan | None
    phases: list[PhaseProgress] = field(default_factory=list)
    next_due: PlanTask | None = None
    today: date | None = None

    @property
    def exists(self) -> bool:
        return self.plan is not None

    @property
    def has_tasks(self) -> bool:
        """Whether any task is in sight (tasks may be added by hand before a generation)."""
        return any(p.total or p.dropped for p in self.phases)

    @property
    def start_date(self) -> date | None:
        return self.plan.start_date if self.plan else None

    @property
    def end_date(self) -> date | None:
        return self.plan.end_date if self.plan else None

    @property
    def day(self) -> int | None:
        return self.plan.day(self.today) if self.plan else None

    @property
    def current_phase(self) -> int | None:
        """The phase whose window holds today (None before the start or after day 90)."""
        day = self.day
        if day is None or day < 1 or day > 90:
            return None
        return (day - 1) // 30 + 1

    @property
    def total(self) -> int:
        return sum(p.total for p in self.phases)

    @property
    def done(self) -> int:
        return sum(p.done for p in self.phases)

    @property
    def open(self) -> int:
        return self.total - self.done

    @property
    def overdue(self) -> int:
        return sum(p.overdue for p in self.phases)

    @property
    def percent(self) -> int:
        return (100 * self.done) // self.total if self.total else 0


def plan_progress(*, user=None, today: date | None = None) -> PlanProgress:
    """Per-phase totals and done, overdue tasks and the next task due: of the whole plan
    (``user`` None, for callers that checked the user's rights already) or of the tasks
    ``user`` sees. Four queries whatever the number of tasks."""
    today = today or timezone.localdate()
    plan = current_plan()
    tasks = PlanTask.objects.all() if user is None else PlanTask.objects.restrict(user)
    counts: dict[tuple[int, str], int] = {}
    overdue: dict[int, int] = {}
    rows = (
        tasks.order_by()
        .values("phase", "status")
        .annotate(n=Count("id"), late=Count("id", filter=PlanTask.overdue_q(today)))
    )
    for row in rows:
        counts[(row["phase"], row["status"])] = row["n"]
        overdue[row["phase"]] = overdue.get(row["phase"], 0) + row["late"]
    phases = []
    for phase, label in PlanTask.Phase.choices:
        of = {status: counts.get((phase, status), 0) for status in Status.values}
        phases.append(
            PhaseProgress(
                phase=phase,
                label=label,
                start=plan.phase_start(phase) if plan else None,
                end=plan.phase_end(phase) if plan else None,
                total=sum(of.values()) - of[Status.DROPPED],
                done=of[Status.DONE],
                in_progress=of[Status.IN_PROGRESS],
                overdue=overdue.get(phase, 0),
                dropped=of[Status.DROPPED],
            )
        )
    next_due = (
        tasks.filter(status__in=PlanTask.WORKING)
        .select_related("owner")
        .order_by("due_date", "phase", "id")
        .first()
    )
    return PlanProgress(plan=plan, phases=phases, next_due=next_due, today=today)
