"""Reads of the first run: whether an organisation needs it, where each step stands, and the
gap assessment paged by clause and Annex A section."""

from dataclasses import dataclass, field

from django.db.models import QuerySet

from aims.ms.services import organisation_profile_current, scope_current
from inventory.models import AISystem

from ..models import CatalogueItem, ControlStatement, FirstRun, PlanTask
from .services import STEPS, first_run_current

STEP_TITLES = {
    "profile": "Organisation profile",
    "scope": "AIMS scope and frameworks",
    "systems": "Taking stock of AI use",
    "assessment": "Gap assessment",
    "plan": "The 90-day plan",
}
STEP_URLS = {
    "profile": "onboarding:profile",
    "scope": "onboarding:scope",
    "systems": "onboarding:systems",
    "assessment": "onboarding:assessment",
    "plan": "onboarding:plan",
}
DONE, IN_PROGRESS, TO_DO = "done", "in_progress", "to_do"
STATUS_LABELS = {DONE: "Done", IN_PROGRESS: "In progress", TO_DO: "To do"}


@dataclass(frozen=True)
class StepStatus:
    key: str
    number: int
    title: str
    url_name: str
    status: str  # done, in_progress, to_do
    detail: str = ""

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


@dataclass
class Section:
    """A clause (4 to 10) or an Annex A section (A.2 to A.10) of the gap assessment."""

    code: str
    title: str
    kind: str
    statements: list[ControlStatement] = field(default_factory=list)
    assessed: int = 0

    @property
    def total(self) -> int:
        return len(self.statements)

    @property
    def label(self) -> str:
        return f"{'Annex ' if self.kind == CatalogueItem.Kind.CONTROL else 'Clause '}{self.code}"


def section_code(code: str) -> str:
    """ "6.1.2" -> "6"; "A.10.3" -> "A.10"."""
    parts = code.split(".")
    return ".".join(parts[:2]) if code.startswith("A.") else parts[0]


def first_run_needed() -> bool:
    """An organisation without records: no profile and no AI system yet."""
    return organisation_profile_current() is None and not AISystem.objects.exists()


def gap_statements() -> QuerySet[ControlStatement]:
    """Every clause requirement and Annex A control (non-heading items), in catalogue order."""
    return (
        ControlStatement.objects.filter(item__is_heading=False)
        .select_related("item", "owner")
        .order_by("item__sort_key")
    )


def gap_counts(record: FirstRun | None = None) -> tuple[int, int]:
    """(assessed, total) of the gap assessment."""
    record = record if record is not None else first_run_current()
    codes = gap_statements().values_list("item__code", flat=True)
    total = len(codes)
    assessed = len(set(record.assessed) & set(codes)) if record else 0
    return assessed, total


def gap_sections(record: FirstRun | None = None) -> list[Section]:
    """The assessment paged by section, each with its statements and how many are assessed
    (two queries whatever the catalogue's size)."""
    record = record if record is not None else first_run_current()
    assessed = set(record.assessed) if record else set()
    roots = {
        item.code: item
        for item in CatalogueItem.objects.filter(parent__isnull=True).only("code", "title", "kind")
    }
    sections: dict[str, Section] = {}
    for statement in gap_statements():
        code = section_code(statement.item.code)
        if code not in sections:
            root = roots.get(code)
            sections[code] = Section(
                code=code,
                title=root.title if root else code,
                kind=statement.item.kind,
            )
        section = sections[code]
        section.statements.append(statement)
        section.assessed += statement.item.code in assessed
    return list(sections.values())


def gaps_open() -> int:
    """Requirements and controls assessed as partly or not implemented."""
    return (
        gap_statements()
        .filter(applicable=True)
        .exclude(implementation_status=ControlStatement.Implementation.IMPLEMENTED)
        .count()
    )


def first_run_progress(record: FirstRun | None = None) -> list[StepStatus]:
    """Each step of the first run with its status: done, in progress or to do."""
    record = record if record is not None else first_run_current()
    done = set(record.steps_done) if record else set()
    profile = organisation_profile_current()
    scope = scope_current()
    assessed, total = gap_counts(record)
    systems = AISystem.objects.count()
    tasks = PlanTask.objects.count()
    status = {
        "profile": (DONE if profile else TO_DO, profile.legal_name if profile else ""),
        "scope": (
            DONE if scope and profile and profile.frameworks else IN_PROGRESS if scope else TO_DO,
            ", ".join(profile.framework_labels()) if profile else "",
        ),
        "systems": (
            DONE if "systems" in done else IN_PROGRESS if systems else TO_DO,
            f"{systems} AI system{'s' if systems != 1 else ''} recorded",
        ),
        "assessment": (
            DONE if total and assessed == total else IN_PROGRESS if assessed else TO_DO,
            f"{assessed} of {total} assessed",
        ),
        # Generating the plan completes the step; "reached" is for an officer who plans
        # outside AIMS.
        "plan": (
            DONE if "plan" in done or tasks else TO_DO,
            f"{tasks} task{'s' if tasks != 1 else ''} in the plan" if tasks else "",
        ),
    }
    return [
        StepStatus(
            key=key,
            number=number,
            title=STEP_TITLES[key],
            url_name=STEP_URLS[key],
            status=status[key][0],
            detail=status[key][1],
        )
        for number, key in enumerate(STEPS, start=1)
    ]


def first_run_done(record: FirstRun | None = None) -> bool:
    """Profile, scope and assessment saved and the plan step reached."""
    return all(step.status == DONE for step in first_run_progress(record))


def next_step(steps: list[StepStatus]) -> StepStatus:
    """The first step not done (the last one when all are)."""
    return next((s for s in steps if s.status != DONE), steps[-1])
