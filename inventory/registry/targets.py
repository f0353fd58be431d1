"""Which tracking server URLs a link may read: http(s), no credentials in the URL, and (unless
AIMS_MODEL_REGISTRY_ALLOW_PRIVATE) no private, loopback or link-local address, so a link
cannot make the server probe its own network. The same idea as the webhooks' targets."""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings


def private_allowed() -> bool:
    return bool(getattr(settings, "AIMS_MODEL_REGISTRY_ALLOW_PRIVATE", False))


def _is_private(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    return not ip.is_global or ip.is_multicast


def tracking_uri_problem(url: str) -> str:
    """Why ``url`` may not be read as a tracking server, in words; empty when it may."""
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 -- raises on a port that is no number
    except ValueError:
        return "Enter a valid URL."
    if parts.scheme not in ("http", "https"):
        return "Only http:// and https:// tracking servers can be read."
    if not parts.hostname:
        return "Enter a valid URL with a host name."
    if parts.username or parts.password:
        return "Leave credentials out of the URL."
    if parts.query or parts.fragment:
        return "Give the server's address only, without a query or fragment."
    if private_allowed():
        return ""
    try:
        infos = socket.getaddrinfo(parts.hostname, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return f"The host name {parts.hostname} does not resolve."
    if any(_is_private(info[4][0]) for info in infos):
        return (
            "This address is in a private or loopback network: only public tracking servers "
            "are read (AIMS_MODEL_REGISTRY_ALLOW_PRIVATE allows private ones)."
        )
    return ""
