"""Refusal codes of the inventory app: the stable ``code`` its services put on a refusal."""

from enum import StrEnum


class Code(StrEnum):
    """Why a write to an AI system, its gates or its components was refused."""

    INVALID = "invalid"
    PERMISSION_DENIED = "permission_denied"
    SEGREGATION_OF_DUTIES = "segregation_of_duties"
    TRANSITION_NOT_ALLOWED = "transition_not_allowed"
    UNKNOWN_ACTION = "unknown_action"

    ALREADY_CLOSED = "already_closed"
    ALREADY_DECIDED = "already_decided"
    # An edit of a material fact opened a change request instead of changing the record
    # (not a refusal: the API answers 202 with the change request under this code).
    CHANGE_REQUEST_OPENED = "change_request_opened"
    MATERIALITY_NEEDS_OFFICER = "materiality_needs_officer"
    ALREADY_REVIEWED = "already_reviewed"
    APPROVER_TRAINING_MISSING = "approver_training_missing"
    CONDITIONS_OPEN = "conditions_open"
    INDEPENDENT_REVIEW_MISSING = "independent_review_missing"
    NO_OPEN_GATE = "no_open_gate"
    NO_SUPPLIER = "no_supplier"
    NOT_DEPLOYED = "not_deployed"
    OVERSIGHT_NOT_ASSURED = "oversight_not_assured"
    RELEASE_PREREQUISITES_MISSING = "release_prerequisites_missing"
    SYSTEM_CLOSED = "system_closed"
    VENDOR_CHANGE_UNASSESSED = "vendor_change_unassessed"
    # An imported bill of materials that is not a CycloneDX 1.6 JSON BOM (inventory.bom).
    BOM_INVALID = "bom_invalid"
