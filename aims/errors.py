"""One error type for refused business rules, rendered the same way in the UI and the API."""

from typing import Any


class BusinessRuleError(Exception):
    """A request the rules refuse. ``code`` is stable for clients; ``message`` is for people."""

    status_code = 400

    def __init__(self, message: str, *, code: str = "invalid", extra: dict[str, Any] | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.extra = extra or {}


class TransitionNotAllowed(BusinessRuleError):
    """The record is in a state where this action makes no sense (HTTP 409)."""

    status_code = 409


class RuleForbidden(BusinessRuleError):
    """The actor may never do this to this record, e.g. segregation of duties (HTTP 403)."""

    status_code = 403
