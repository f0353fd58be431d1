"""Refusal codes of the risk app: the stable ``code`` its services put on a refusal."""

from enum import StrEnum


class Code(StrEnum):
    """Why a risk, assessment, classification or impact-assessment write was refused."""

    INVALID = "invalid"
    PERMISSION_DENIED = "permission_denied"
    SEGREGATION_OF_DUTIES = "segregation_of_duties"
    TRANSITION_NOT_ALLOWED = "transition_not_allowed"
    UNKNOWN_ACTION = "unknown_action"

    ACCEPTANCE_NOT_NEEDED = "acceptance_not_needed"
    INCOMPLETE = "incomplete"
    SIGNED_OFF = "signed_off"
    SYSTEM_CLOSED = "system_closed"
