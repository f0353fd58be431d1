"""Where a webhook may be sent: http(s) only, and (unless a setting allows it) not into the
private network the server sits in, so a subscription cannot probe internal services."""

from aims.outbound import OutboundRule

WEBHOOK_TARGETS = OutboundRule(
    scheme_message="Only http:// and https:// addresses can receive webhooks.",
    credentials_message=(
        "Leave credentials out of the URL: the signature authenticates each delivery."
    ),
    public_only="webhooks go to public addresses only",
    allow_private_setting="AIMS_WEBHOOK_ALLOW_PRIVATE_TARGETS",
)


def target_problem(url: str) -> str:
    """Why ``url`` is not a target a webhook may be sent to, in words; empty when it is."""
    return WEBHOOK_TARGETS.problem(url)
