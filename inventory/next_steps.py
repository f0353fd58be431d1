"""What a system needs next, as one checklist for its page and the API: each step with its
status (done, to do, waiting for someone else), who acts, and a link the viewer may open.

The facts come from the predicates that already decide them — the release gate's blockers,
the oversight gap, the gate's progress — and from steps that apps above the inventory
register here (the risk app: classification, risk and impact assessments, see
risk/next_steps.py), so the inventory never imports them. A link is offered only when the
viewer gets past the target page's own checks (:func:`aims.view_helpers.offer.may_open`);
otherwise the step says, in words, who does it.
"""

from collections.abc import Callable
from dataclasses import asdict, dataclass, replace

from django.urls import reverse

from aims.people import display_name
from aims.view_helpers.offer import may_open

from . import services
from .models import AISystem, Gate, LifecycleStage

DONE, TODO, WAITING, OPTIONAL = "done", "todo", "waiting", "optional"
STATUS_LABELS = {
    DONE: "Done",
    TODO: "To do",
    WAITING: "Waiting for someone else",
    OPTIONAL: "Not required for this tier yet",
}
OFFICER_WORDS = "a governance officer"
APPROVER_WORDS = "an approver (AI committee)"


@dataclass(frozen=True)
class Step:
    order: int
    key: str
    label: str
    status: str
    who: str  # who acts next, in words ("the owner, Olga Owner (olga)", "a governance officer")
    detail: str = ""
    url: str = ""  # where it is done; offered only to a viewer who may open it
    alternative_url: str = ""  # where to read about it when ``url`` is not for the viewer


StepProvider = Callable[[object, AISystem], list[Step]]
_providers: list[StepProvider] = []


def register_step_provider(provider: StepProvider) -> None:
    """Higher apps add their steps (called in their AppConfig.ready())."""
    if provider not in _providers:
        _providers.append(provider)


def owner_words(user, system: AISystem) -> str:
    if system.owner_id == getattr(user, "pk", None):
        return "you (the owner)"
    return f"the owner, {display_name(system.owner)}"


def _validation(user, system: AISystem) -> Step:
    blockers = services.release_blockers(system)
    return Step(
        40,
        "validation",
        "Validation",
        TODO if blockers else DONE,
        owner_words(user, system),
        " ".join(blockers) or "Validation records for this release round, none failing.",
        reverse("inventory:validation_add", args=[system.pk]),
        reverse("inventory:system_tab", args=[system.pk, "validation"]),
    )


def _evidence(user, system: AISystem) -> Step:
    has = system.evidence.exists()
    return Step(
        50,
        "evidence",
        "Evidence",
        DONE if has else TODO,
        owner_words(user, system),
        "Evidence is attached." if has else "Attach the documents that show what was done.",
        reverse("aims:evidence_attach", args=["inventory.aisystem", system.pk]),
        reverse("inventory:system_tab", args=[system.pk, "evidence"]),
    )


def oversight_step(user, system: AISystem, *, required: bool = True) -> Step:
    """The oversight person: to do while the tier requires one and it is not assured; shown
    as recommended where the tier does not (yet) require it. The inventory cannot read the
    tier's requirements, so it assumes "required"; the risk app, which can, replaces the step
    (see :func:`system_steps`)."""
    gap = services.oversight_gap(system)
    if gap is None:
        status = DONE
        detail = f"{display_name(system.oversight_person)} oversees the system."
    elif required:
        status, detail = TODO, str(gap)
    else:
        status, detail = OPTIONAL, "Not required for this tier yet; recommended."
    return Step(
        60,
        "oversight",
        "Human oversight person",
        status,
        owner_words(user, system),
        detail,
        reverse("inventory:system_edit", args=[system.pk]),
    )


def _gate(user, system: AISystem) -> Step:
    """The gate to request next, from the lifecycle stage and the open gate's progress."""
    stage, pk = system.lifecycle_stage, system.pk
    gates_tab = reverse("inventory:system_tab", args=[pk, "gates"])
    owner = owner_words(user, system)

    def step(status: str, who: str, detail: str, url: str = gates_tab, label: str = "") -> Step:
        return Step(
            90, "gate", label or "Gate to request next", status, who, detail, url, gates_tab
        )

    if stage == LifecycleStage.INTAKE_SUBMITTED:
        return step(WAITING, OFFICER_WORDS, "Intake gate: a governance officer triages the intake.")
    if stage in (LifecycleStage.IN_TRIAGE, LifecycleStage.IN_VALIDATION):
        gate = system.open_gate
        blockers = services.gate_blockers(system, gate)
        name = Gate(gate).label
        if blockers:
            return step(TODO, owner, f"{name}: still needed — " + " ".join(blockers))
        progress = services.gate_progress(system) or {}
        return step(
            WAITING,
            APPROVER_WORDS,
            f"{name}: {progress.get('approvals', 0)} of {progress.get('required', 1)} "
            "approval(s) so far.",
            reverse("inventory:approval_decide", args=[pk]),
        )
    if stage == LifecycleStage.CHANGES_REQUESTED:
        return step(TODO, owner, "Changes were requested: edit the system, then resubmit it.")
    if stage == LifecycleStage.APPROVED_FOR_DEVELOPMENT:
        return step(
            TODO, owner, "Release gate: start validation when the system is ready to be tested."
        )
    if stage == LifecycleStage.DEPLOYED:
        return step(DONE, owner, "Released: no gate ahead until a material change.")
    return step(DONE, owner, f"{system.get_lifecycle_stage_display()}: no gate ahead.")


INVENTORY_STEPS = (_validation, _evidence, oversight_step, _gate)


def system_steps(user, system: AISystem) -> list[Step]:
    """Every step, in order, links not yet checked against the viewer. A provider's step
    with the key of an inventory step replaces it: the higher app knows more about it (the
    tier's requirements)."""
    steps = {step.key: step for step in (make(user, system) for make in INVENTORY_STEPS)}
    for provider in _providers:
        steps.update((step.key, step) for step in provider(user, system))
    return sorted(steps.values(), key=lambda s: s.order)


def next_steps(user, system: AISystem, request=None) -> list[dict]:
    """The checklist as shown: each step's link kept only when the viewer may open it (else
    the page where they can read about it, if they may open that), and the first step not
    done marked as the next one."""
    rows, marked = [], False
    for step in system_steps(user, system):
        url = step.url if may_open(user, step.url, request=request) else ""
        if (
            not url
            and step.alternative_url
            and may_open(user, step.alternative_url, request=request)
        ):
            url = step.alternative_url
        row = asdict(replace(step, url=url))
        del row["alternative_url"]
        row["status_label"] = STATUS_LABELS[step.status]
        row["actionable"] = url == step.url and bool(url)
        row["is_next"] = not marked and step.status in (TODO, WAITING)
        marked = marked or row["is_next"]
        rows.append(row)
    return rows
