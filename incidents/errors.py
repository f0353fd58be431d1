"""Refusal codes of the incidents app: the stable ``code`` its services put on a refusal."""

from enum import StrEnum


class Code(StrEnum):
    """Why an incident, report, metric or time-target write was refused."""

    INVALID = "invalid"
    PERMISSION_DENIED = "permission_denied"
    SEGREGATION_OF_DUTIES = "segregation_of_duties"
    TRANSITION_NOT_ALLOWED = "transition_not_allowed"
    UNKNOWN_ACTION = "unknown_action"

    ALREADY_REPORTED = "already_reported"
    CLOSE_PREREQUISITES_MISSING = "close_prerequisites_missing"
    CLOSED = "closed"
    NOT_HIGH_RISK = "not_high_risk"
    NOT_SERIOUS = "not_serious"
    UNCHANGED = "unchanged"
