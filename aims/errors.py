"""One error type for refused business rules, rendered the same way in the UI and the API.

Every app keeps the codes of its refusals in one enumeration (``aims.errors.Code`` here,
``<app>/errors.py`` elsewhere). A code is part of the API contract: clients branch on it, so a
value is never renamed; add a new member instead. The codes every app shares (``SHARED_CODES``)
are spelled the same in each enumeration, so "permission_denied" means one thing everywhere.
"""

from enum import StrEnum
from typing import Any

#: Codes that mean the same in every app; each app's enumeration carries all of them.
SHARED_CODES = frozenset(
    {
        "invalid",
        "permission_denied",
        "segregation_of_duties",
        "transition_not_allowed",
        "unknown_action",
    }
)


class Code(StrEnum):
    """Refusal codes of the management-system core (evidence, CAPA, competence, policy...)."""

    INVALID = "invalid"
    PERMISSION_DENIED = "permission_denied"
    SEGREGATION_OF_DUTIES = "segregation_of_duties"
    TRANSITION_NOT_ALLOWED = "transition_not_allowed"
    UNKNOWN_ACTION = "unknown_action"

    ALREADY_APPROVED = "already_approved"
    ALREADY_ASSIGNED = "already_assigned"
    ALREADY_ENDED = "already_ended"
    ALREADY_REPLACED = "already_replaced"
    NO_SCOPE = "no_scope"
    NOT_PUBLISHED = "not_published"
    NOT_REQUIRED = "not_required"
    OBJECTIVE_CLOSED = "objective_closed"
    TRAINING_MISSING = "training_missing"
    VERSION_IN_PROGRESS = "version_in_progress"
    VERSION_LOCKED = "version_locked"
    # SCIM provisioning (aims.scim.services)
    ACCOUNT_PROTECTED = "account_protected"
    ROLE_NOT_GRANTABLE = "role_not_grantable"
    USERNAME_TAKEN = "username_taken"
    GROUP_NAME_TAKEN = "group_name_taken"
    # API tokens and service accounts (aims.accounts)
    TOKEN_SCOPE = "token_scope"
    TOKEN_NAME_TAKEN = "token_name_taken"
    TOKEN_EXPIRY_REQUIRED = "token_expiry_required"
    TOKEN_EXPIRY_TOO_LONG = "token_expiry_too_long"
    TOKEN_EXPIRY_PAST = "token_expiry_past"
    ALREADY_REVOKED = "already_revoked"
    ACCOUNT_INACTIVE = "account_inactive"
    ROLE_NOT_ALLOWED = "role_not_allowed"
    # Multi-factor authentication (aims.mfa).
    MFA_REQUIRED = "mfa_required"
    MFA_NOTHING_TO_RESET = "mfa_nothing_to_reset"
    MFA_OWN_ACCOUNT = "mfa_own_account"
    SSO_ONLY = "sso_only"
    # An outside service failed (aims.storage, aims.outage): nothing was saved, try again.
    STORAGE_UNAVAILABLE = "storage_unavailable"
    DATABASE_UNAVAILABLE = "database_unavailable"
    # No lost updates (aims.concurrency): the record changed since the edit was loaded.
    STALE_VERSION = "stale_version"
    # Outbound webhooks (aims.webhooks).
    WEBHOOK_DISABLED = "webhook_disabled"
    WEBHOOK_IN_PROGRESS = "webhook_in_progress"
    # Imports from spreadsheets (aims.imports).
    IMPORT_FILE_REFUSED = "import_file_refused"
    IMPORT_HAS_ERRORS = "import_has_errors"
    IMPORT_KIND_UNKNOWN = "import_kind_unknown"


class BusinessRuleError(Exception):
    """A request the rules refuse. ``code`` is stable for clients; ``message`` is for people.

    Pass ``code`` from the raising app's enumeration; the class default only keeps a refusal
    that forgot one from being labelled as something it is not."""

    status_code = 400
    default_code: str = Code.INVALID

    def __init__(
        self, message: str, *, code: str | None = None, extra: dict[str, Any] | None = None
    ):
        super().__init__(message)
        self.message = message
        # Plain str, so JSON, templates and comparisons see "permission_denied", not "Code.X".
        self.code = str(code or self.default_code)
        self.extra = extra or {}


class TransitionNotAllowed(BusinessRuleError):
    """The record is in a state where this action makes no sense (HTTP 409)."""

    status_code = 409
    default_code = Code.TRANSITION_NOT_ALLOWED


class RuleForbidden(BusinessRuleError):
    """The actor may never do this to this record, e.g. segregation of duties (HTTP 403)."""

    status_code = 403
    default_code = Code.PERMISSION_DENIED


class ServiceUnavailable(BusinessRuleError):
    """An outside service (file storage, the database) failed while a change was being saved;
    nothing of the change was kept and the user may try again (HTTP 503)."""

    status_code = 503
    default_code = Code.STORAGE_UNAVAILABLE
