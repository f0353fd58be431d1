"""Which tracking server URLs a link may read: the outbound rule of every address the server
calls (aims.outbound), with AIMS_MODEL_REGISTRY_ALLOW_PRIVATE allowing private ones."""

from aims.outbound import OutboundRule

TRACKING_SERVERS = OutboundRule(
    scheme_message="Only http:// and https:// tracking servers can be read.",
    credentials_message="Leave credentials out of the URL.",
    public_only="only public tracking servers are read",
    allow_private_setting="AIMS_MODEL_REGISTRY_ALLOW_PRIVATE",
    address_only=True,
)


def tracking_uri_problem(url: str) -> str:
    """Why ``url`` may not be read as a tracking server, in words; empty when it may."""
    return TRACKING_SERVERS.problem(url)
