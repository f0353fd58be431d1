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
)
from .gates import (
    ApprovalCount,
    GateCheck,
    approval_decide,
    can_decide_gate,
    gate_blockers,
    gate_decision_refusal,
    gate_progress,
    gate_setting_update,
    register_gate_check,
    register_required_approvals,
    release_blockers,
    required_approvals,
)
from .records import (
    change_request_create,
    child_delete,
    child_edit,
    child_save,
    component_save,
    dataset_save,
    validation_record_create,
)
from .systems import (
    EDITABLE_FIELDS,
    INTAKE_FIELDS,
    OVERSIGHT_EXCEPTION,
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
    "system_edit",
    "EDITABLE_FIELDS",
    "INTAKE_FIELDS",
    "OVERSIGHT_EXCEPTION",
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
