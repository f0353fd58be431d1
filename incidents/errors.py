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
    AWARENESS_LOCKED = "awareness_locked"
    CLOSED = "closed"
    CLOSE_PREREQUISITES_MISSING = "close_prerequisites_missing"
    COMPLETE_BEFORE_INITIAL = "complete_before_initial"
    NOT_HIGH_RISK = "not_high_risk"
    NOT_SERIOUS = "not_serious"
    REPORT_BEFORE_AWARENESS = "report_before_awareness"
    SEVERITY_LOCKED = "severity_locked"
    UNCHANGED = "unchanged"
