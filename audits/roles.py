"""Model permissions of the audits app, by role."""

from aims.roles import APPROVER, AUDITOR, CERT_AUDITOR, OFFICER, OWNER

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

# Certification by an outside body (audits.certification): officers keep the records; the
# committee and internal auditors read them.
CERT_MODELS = [
    "certificationbody",
    "externalaudit",
    "auditoraccess",
    "externalfinding",
    "findingresponse",
    "certificate",
]
CERT_VIEW = [f"audits.view_{m}" for m in CERT_MODELS]
CERT_WRITE = [f"audits.{action}_{m}" for m in CERT_MODELS for action in ("add", "change")]
# The 90-day plan: officers run it; auditors read it. A task's owner reads and works on their
# own tasks through the task's visibility rule (audits.plan.services), not a model permission.
PLAN_VIEW = ["audits.view_plan", "audits.view_plantask"]
PLAN_WRITE = [
    "audits.add_plan",
    "audits.change_plan",
    "audits.add_plantask",
    "audits.change_plantask",
]
# ISO/IEC 27001 controls and their mappings to 42001: officers keep and review them; those
# who read the SoA at large (approvers, auditors) read them.
ISO27001_VIEW = ["audits.view_securitycontrol", "audits.view_controlmapping"]
ISO27001_WRITE = [
    "audits.change_securitycontrol",
    "audits.add_controlmapping",
    "audits.review_controlmapping",
]
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
        *CERT_VIEW,
        *CERT_WRITE,
        *PLAN_VIEW,
        *PLAN_WRITE,
        *ISO27001_VIEW,
        *ISO27001_WRITE,
    ],
    APPROVER: [
        *MS_VIEW,
        *GAPS_VIEW,
        *ISO27001_VIEW,
        *FIRST_RUN_VIEW,
        "audits.approve_soaversion",
        *CERT_VIEW,
    ],
    OWNER: [
        "audits.view_catalogueitem",
        "audits.view_crosswalk",
        "audits.view_controlstatement",
        *GAPS_VIEW,
    ],
    AUDITOR: [
        *TRAIL,
        *PACKS,
        *MS_VIEW,
        *GAPS_VIEW,
        *CERT_VIEW,
        *PLAN_VIEW,
        *ISO27001_VIEW,
        *FIRST_RUN_VIEW,
    ],
    # The certification body's auditor reads the management-system records of clauses 4-10
    # (catalogue, SoA, internal audits and their findings, management reviews) and their own
    # external audit with its findings and our responses: a rule on those records
    # (audits.certification.access.certification_auditor_rule) narrows them to the audits
    # they hold a current access to. No pack requests: their pack is made for them.
    CERT_AUDITOR: [
        *MS_VIEW,
        *GAPS_VIEW,
        "audits.view_externalaudit",
        "audits.view_externalfinding",
        "audits.view_findingresponse",
    ],
}
