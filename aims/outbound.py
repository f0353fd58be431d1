"""Addresses the server itself calls out to (webhook receivers, model registries): http(s)
only, no credentials in the URL, and, unless a setting allows it, nothing in the private
network the server sits in, so a record cannot make the server probe internal services."""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings


def _is_private(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    return not ip.is_global or ip.is_multicast


@dataclass(frozen=True)
class OutboundRule:
    """One kind of outbound address, with its own words and the setting that allows
    private addresses."""

    scheme_message: str  # why only http(s)
    credentials_message: str  # why no user:password@
    public_only: str  # "webhooks go to public addresses only"
    allow_private_setting: str
    address_only: bool = False  # refuse a query or fragment: the URL names a server

    def private_allowed(self) -> bool:
        return bool(getattr(settings, self.allow_private_setting, False))

    def problem(self, url: str) -> str:
        """Why ``url`` may not be called, in words; empty when it may."""
        try:
            parts = urlsplit(url.strip())
            parts.port  # noqa: B018 -- raises on a port that is no number
        except ValueError:
            return "Enter a valid URL."
        if parts.scheme not in ("http", "https"):
            return self.scheme_message
        if not parts.hostname:
            return "Enter a valid URL with a host name."
        if parts.username or parts.password:
            return self.credentials_message
        if self.address_only and (parts.query or parts.fragment):
            return "Give the server's address only, without a query or fragment."
        if self.private_allowed():
            return ""
        return self._private_problem(parts.hostname)

    def _private_problem(self, host: str) -> str:
        try:
            infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
        except (OSError, UnicodeError):
            return f"The host name {host} does not resolve."
        if any(_is_private(info[4][0]) for info in infos):
            return (
                f"This address is in a private or loopback network: {self.public_only} "
                f"({self.allow_private_setting} allows private ones)."
            )
        return ""
