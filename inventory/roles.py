"""Model permissions of the inventory, by role. Owners get object permissions on their own
systems from the services (see services.OWNER_OBJECT_PERMS), not here."""

from aims.roles import APPROVER, AUDITOR, OFFICER, OWNER

VIEW_ALL = [
    "inventory.view_aisystem",
    "inventory.view_component",
    "inventory.view_dataset",
    "inventory.view_approval",
    "inventory.view_validationrecord",
    "inventory.view_changerequest",
    "inventory.view_gatesetting",
    "inventory.view_approvalcondition",
]
# Registry links: officers manage every one and auditors read them through their role; a
# system's owner manages its own through the system (ModelRegistryLink.visibility_rule).
REGISTRY_MANAGE = [
    "inventory.add_modelregistrylink",
    "inventory.change_modelregistrylink",
    "inventory.delete_modelregistrylink",
    "inventory.view_modelregistrylink",
]
CHILD_WRITE = [
    "inventory.add_component",
    "inventory.change_component",
    "inventory.delete_component",
    "inventory.add_dataset",
    "inventory.change_dataset",
    "inventory.delete_dataset",
    "inventory.add_validationrecord",
    "inventory.add_changerequest",
]

PERMISSIONS: dict[str, list[str]] = {
    OFFICER: [
        *VIEW_ALL,
        *CHILD_WRITE,
        *REGISTRY_MANAGE,
        "inventory.add_aisystem",
        "inventory.change_aisystem",
        "inventory.triage_aisystem",
        "inventory.change_gatesetting",
        "inventory.review_validationrecord",
        "inventory.waive_approvalcondition",
    ],
    APPROVER: [
        *VIEW_ALL,
        "inventory.decide_gate",
        "inventory.add_approval",
        "inventory.review_validationrecord",
    ],
    OWNER: [*CHILD_WRITE, "inventory.add_aisystem"],
    AUDITOR: [*VIEW_ALL, "inventory.view_modelregistrylink"],
}
