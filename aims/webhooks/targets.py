"""Where a webhook may be sent: http(s) only, and (unless a setting allows it) not into the
private network the server sits in, so a subscription cannot probe internal services."""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings


def private_targets_allowed() -> bool:
    return bool(getattr(settings, "AIMS_WEBHOOK_ALLOW_PRIVATE_TARGETS", False))


def _is_private(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    return not ip.is_global or ip.is_multicast


def target_problem(url: str) -> str:
    """Why ``url`` is not a target a webhook may be sent to, in words; empty when it is."""
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 -- raises on a port that is no number
    except ValueError:
        return "Enter a valid URL."
    if parts.scheme not in ("http", "https"):
        return "Only http:// and https:// addresses can receive webhooks."
    if not parts.hostname:
        return "Enter a valid URL with a host name."
    if parts.username or parts.password:
        return "Leave credentials out of the URL: the signature authenticates each delivery."
    if private_targets_allowed():
        return ""
    return _private_problem(parts.hostname)


def _private_problem(host: str) -> str:
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return f"The host name {host} does not resolve."
    if any(_is_private(info[4][0]) for info in infos):
        return (
            "This address is in a private or loopback network: webhooks go to public "
            "addresses only (AIMS_WEBHOOK_ALLOW_PRIVATE_TARGETS allows private ones)."
        )
    return ""
