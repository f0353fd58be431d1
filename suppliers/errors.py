"""Refusal codes of the suppliers app: the stable ``code`` its services put on a refusal."""

from enum import StrEnum


class Code(StrEnum):
    """Why a supplier, review or vendor-notice write was refused."""

    INVALID = "invalid"
    PERMISSION_DENIED = "permission_denied"
    SEGREGATION_OF_DUTIES = "segregation_of_duties"
    TRANSITION_NOT_ALLOWED = "transition_not_allowed"
    UNKNOWN_ACTION = "unknown_action"

    ALREADY_ASSESSED = "already_assessed"
    NOT_AWAITING_CONFIRMATION = "not_awaiting_confirmation"
    APPROVAL_PREREQUISITES_MISSING = "approval_prerequisites_missing"
    NO_QUESTIONS = "no_questions"
    REVIEW_COMPLETED = "review_completed"
    REVIEW_IN_PROGRESS = "review_in_progress"
    REVIEW_INCOMPLETE = "review_incomplete"
    SUPPLIER_CLOSED = "supplier_closed"
