"""Model permissions of the risk app, by role. Owners act on their own systems' records
through the object permissions they hold on the system (see risk.services)."""

from aims.roles import APPROVER, AUDITOR, OFFICER, OWNER

VIEW_ALL = [
    "risk.view_methodology",
    "risk.view_classification",
    "risk.view_tierdecision",
    "risk.view_tierrequirement",
    "risk.view_riskassessment",
    "risk.view_risk",
    "risk.view_treatmentaction",
    "risk.view_impactassessment",
    "risk.view_obligationtimeline",
]
SYSTEM_RECORDS_WRITE = [
    "risk.add_riskassessment",
    "risk.change_riskassessment",
    "risk.add_risk",
    "risk.change_risk",
    "risk.add_treatmentaction",
    "risk.change_treatmentaction",
    "risk.add_impactassessment",
    "risk.change_impactassessment",
]

PERMISSIONS: dict[str, list[str]] = {
    OFFICER: [
        *VIEW_ALL,
        *SYSTEM_RECORDS_WRITE,
        "risk.add_classification",
        "risk.change_classification",
        "risk.confirm_classification",
        "risk.change_obligationtimeline",
        "risk.change_methodology",
        "risk.change_tierrequirement",
        "risk.signoff_impactassessment",
    ],
    APPROVER: [*VIEW_ALL, "risk.accept_risk", "risk.signoff_impactassessment"],
    # Owners answer the questionnaire of their own systems (draft, submit); an officer
    # confirms. The object permission on the system decides which systems.
    OWNER: [*SYSTEM_RECORDS_WRITE, "risk.add_classification", "risk.change_classification"],
    AUDITOR: list(VIEW_ALL),
}
