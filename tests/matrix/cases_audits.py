"""Role-matrix cases of the audits app."""

from .framework import Case, expect

# fmt: off
#                                anonymous nobody owner other_owner officer approver auditor
API_TRAIL_VERIFY        = expect("401      403    403   403         ok      403      ok")
# fmt: on

CASES = [
    Case("api:audit-trail-verify", "GET", API_TRAIL_VERIFY),
]
