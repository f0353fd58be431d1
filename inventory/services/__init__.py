"""Every write to the inventory, with its business rules. Views, API, tasks and commands call
these functions and nothing else writes inventory records.

The services live in sub-modules, one per part of the app; this package re-exports them, so
``from inventory import services`` and ``services.approval_decide(...)`` work as before:

- :mod:`.systems` AI systems: intake, details, owner, risk tier, lifecycle transitions;
- :mod:`.gates` gates and approvals, with the registries of checks and approval counts that
  higher apps add (patch ``gates._gate_checks`` and ``gates._approval_counts`` there: this
  package does not re-export them);
- :mod:`.records` records under a system: components, datasets, validation records, change
  requests;
- :mod:`.changes` change control: which edits are material, proposing them as change
  requests, and deciding their materiality;
- :mod:`.drafts` the guided intake: drafts saved step by step, submitted through the intake;
- :mod:`._common` the helpers they share.
"""

from ._common import OWNER_OBJECT_PERMS, Stage, system_url
from .changes import (
    MATERIAL_FIELDS,
    can_decide_materiality,
    change_control_applies,
    change_control_required,
    change_propose,
    change_request_decide,
    declaration_refusal,
    diverted_message,
    material_changes,
    materiality_refusal,
    officer_decides,
)
from .conditions import (
    Blocker,
    ConditionSpec,
    blocking_conditions,
    can_close_condition,
    condition_close,
    condition_close_refusal,
)
from .drafts import (
    DRAFT_FIELDS,
    LAST_STEP,
    draft_change_refusal,
    draft_delete,
    draft_save,
    draft_submit,
)
from .gates import (
    ApprovalCount,
    GateCheck,
    approval_decide,
    approver_training_refusal,
    can_decide_gate,
    gate_blockers,
    gate_decision_refusal,
    gate_progress,
    gate_setting_update,
    oversight_gap,
    register_gate_check,
    register_required_approvals,
    release_blockers,
    required_approvals,
)
from .records import (
    can_review_validation,
    change_request_create,
    child_delete,
    child_edit,
    child_save,
    component_save,
    counting_validations,
    dataset_save,
    independent_review_gap,
    validation_record_create,
    validation_record_review,
    validation_review_refusal,
    validations_needing_review,
)
from .systems import (
    EDITABLE_FIELDS,
    INTAKE_FIELDS,
    OVERSIGHT_EXCEPTION,
    OVERSIGHT_EXCEPTION_EXPIRES,
    TRANSITIONS,
    Edited,
    Transition,
    available_transitions,
    system_edit,
    system_set_owner,
    system_set_risk_tier,
    system_submit_intake,
    system_transition,
    system_update,
)

__all__ = [
    "DRAFT_FIELDS",
    "LAST_STEP",
    "draft_change_refusal",
    "draft_delete",
    "draft_save",
    "draft_submit",
    "MATERIAL_FIELDS",
    "Edited",
    "can_decide_materiality",
    "change_control_applies",
    "change_control_required",
    "change_propose",
    "change_request_decide",
    "child_edit",
    "declaration_refusal",
    "diverted_message",
    "material_changes",
    "materiality_refusal",
    "officer_decides",
    "system_edit",
    "Blocker",
    "ConditionSpec",
    "approver_training_refusal",
    "blocking_conditions",
    "can_close_condition",
    "can_review_validation",
    "condition_close",
    "condition_close_refusal",
    "counting_validations",
    "independent_review_gap",
    "oversight_gap",
    "validation_record_review",
    "validation_review_refusal",
    "validations_needing_review",
    "EDITABLE_FIELDS",
    "INTAKE_FIELDS",
    "OVERSIGHT_EXCEPTION",
    "OVERSIGHT_EXCEPTION_EXPIRES",
    "OWNER_OBJECT_PERMS",
    "TRANSITIONS",
    "ApprovalCount",
    "GateCheck",
    "Stage",
    "Transition",
    "approval_decide",
    "available_transitions",
    "can_decide_gate",
    "change_request_create",
    "child_delete",
    "child_save",
    "component_save",
    "dataset_save",
    "gate_blockers",
    "gate_decision_refusal",
    "gate_progress",
    "gate_setting_update",
    "register_gate_check",
    "register_required_approvals",
    "release_blockers",
    "required_approvals",
    "system_set_owner",
    "system_set_risk_tier",
    "system_submit_intake",
    "system_transition",
    "system_update",
    "system_url",
    "validation_record_create",
]
