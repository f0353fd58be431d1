"""Model permissions of the audits app, by role."""

from aims.roles import APPROVER, AUDITOR, OFFICER, OWNER

# Requesting an evidence pack is how an auditor reads: it is the one request an auditor
# makes, and it changes no record of the management system.
PACKS = ["audits.view_evidencepack", "audits.request_evidencepack"]
# Reading the audit trail: its verification, signed checkpoints and adoptions.
TRAIL = ["audits.view_chainlink", "audits.view_trailcheckpoint", "audits.view_trailadoption"]

MS_MODELS = [
    "catalogueitem",
    "crosswalk",
    "controlstatement",
    "soaversion",
    "auditprogramme",
    "internalaudit",
    "checklistitem",
    "finding",
    "managementreview",
    "reviewaction",
]
MS_VIEW = [f"audits.view_{m}" for m in MS_MODELS]
MS_WRITE = [
    "audits.change_controlstatement",
    "audits.add_soaversion",
    "audits.approve_soaversion",
    *(
        f"audits.{action}_{m}"
        for m in (
            "auditprogramme",
            "internalaudit",
            "checklistitem",
            "finding",
            "managementreview",
            "reviewaction",
        )
        for action in ("add", "change")
    ),
]

# Readiness-gap assignments: officers assign; everyone who reads the SoA reads them. An
# assignee updates their own through a rule on the record (audits.soa.assignments), not a
# model permission.
GAPS_VIEW = ["audits.view_gapassignment"]
GAPS_WRITE = ["audits.add_gapassignment", "audits.change_gapassignment"]

# The first run: officers walk it; auditors and approvers read where it stands.
FIRST_RUN_VIEW = ["audits.view_firstrun"]
FIRST_RUN_WRITE = ["audits.add_firstrun", "audits.change_firstrun"]

PERMISSIONS: dict[str, list[str]] = {
    OFFICER: [
        *FIRST_RUN_VIEW,
        *FIRST_RUN_WRITE,
        *TRAIL,
        "audits.add_trailcheckpoint",
        "audits.adopt_history",
        *PACKS,
        *MS_VIEW,
        *MS_WRITE,
        *GAPS_VIEW,
        *GAPS_WRITE,
    ],
    APPROVER: [*MS_VIEW, *GAPS_VIEW, *FIRST_RUN_VIEW, "audits.approve_soaversion"],
    OWNER: [
        "audits.view_catalogueitem",
        "audits.view_crosswalk",
        "audits.view_controlstatement",
        *GAPS_VIEW,
    ],
    AUDITOR: [*TRAIL, *PACKS, *MS_VIEW, *GAPS_VIEW, *FIRST_RUN_VIEW],
}
