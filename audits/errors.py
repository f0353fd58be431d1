"""Refusal codes of the audits app: the stable ``code`` its services put on a refusal."""

from enum import StrEnum


class Code(StrEnum):
    """Why a SoA, internal-audit, finding or management-review write was refused."""

    INVALID = "invalid"
    PERMISSION_DENIED = "permission_denied"
    SEGREGATION_OF_DUTIES = "segregation_of_duties"
    TRANSITION_NOT_ALLOWED = "transition_not_allowed"
    UNKNOWN_ACTION = "unknown_action"

    AUDIT_CLOSED = "audit_closed"
    AUDIT_NOT_RUNNING = "audit_not_running"
    CHECKLIST_FROZEN = "checklist_frozen"
    FINDING_CLOSED = "finding_closed"
    HAS_CAPA = "has_capa"
    NO_CONTROLS_IN_SCOPE = "no_controls_in_scope"
    NOT_A_NONCONFORMITY = "not_a_nonconformity"
    PREREQUISITES_MISSING = "prerequisites_missing"
    REVIEW_CLOSED = "review_closed"
    # readiness-gap assignments and finding owners
    UNKNOWN_GAP = "unknown_gap"
    DUE_DATE_PAST = "due_date_past"
    OWNER_CANNOT_ACT = "owner_cannot_act"
    NOTE_REQUIRED = "note_required"
    # the audit trail
    TRAIL_BACKDATED = "trail_backdated"
    REASON_REQUIRED = "reason_required"
    NOTHING_TO_ADOPT = "nothing_to_adopt"
    # the 90-day plan
    NO_ASSESSMENT = "no_assessment"
    NOTHING_TO_PLAN = "nothing_to_plan"
    # certification: external audits and certificates (audits.certification.services)
    EXTERNAL_AUDIT_CLOSED = "external_audit_closed"
    OUTCOME_NOT_ALLOWED = "outcome_not_allowed"
    CERTIFICATE_NOT_ISSUABLE = "certificate_not_issuable"
    # ISO/IEC 27001 mappings
    MAPPING_DECIDED = "mapping_decided"
    MAPPING_DUPLICATE = "mapping_duplicate"
