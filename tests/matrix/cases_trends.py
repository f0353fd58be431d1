"""Role-matrix rows for trends (issue 15 part 8): the executive summary, its PDF, and the
trends API. Organisation-wide figures: officers, approvers and auditors only."""

from .framework import Case, expect
from .world import World

# fmt: off
#                                anonymous nobody owner other_owner officer approver auditor
ORG_WIDE                = expect("login    403    403   403         ok      ok       ok")
API_ORG_WIDE            = expect("401      403    403   403         ok      ok       ok")
API_OFFICER_WRITE       = expect("401      403    403   403         ok      403      403")
# fmt: on


def is_pdf(w: World, response, content: bytes) -> None:
    assert response["Content-Type"] == "application/pdf"
    assert content.startswith(b"%PDF")


CASES = [
    # --- trends ------------------------------------------------------------------------------
    Case("aims:dashboard_summary", "GET", ORG_WIDE),
    Case("aims:dashboard_summary_pdf", "GET", ORG_WIDE, check=is_pdf),
    Case("api:trends", "GET", API_ORG_WIDE),
    Case("api:trends-snapshot", "POST", API_OFFICER_WRITE, data=lambda w: {}),
]  # fmt: skip
