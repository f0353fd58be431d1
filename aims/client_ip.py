"""The client's real address, the one place every part of the app reads it from.

Behind reverse proxies the socket's address (``REMOTE_ADDR``) is the nearest proxy's. Each
proxy appends the address it received the request from to ``X-Forwarded-For``, so with N
trusted proxies in front (``AIMS_TRUSTED_PROXY_COUNT``) the client is the N-th address from the
right. Anything further left was written by the client and is never believed; with no trusted
proxy (the default) the header is ignored altogether.
"""

from ipaddress import ip_address

from django.conf import settings


def _valid(address: str) -> bool:
    try:
        ip_address(address)
    except ValueError:
        return False
    return True


def client_ip(request) -> str:
    """The address of the client that sent ``request`` (an empty string when unknown)."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    trusted = getattr(settings, "AIMS_TRUSTED_PROXY_COUNT", 0)
    if trusted <= 0:
        return remote
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in header.split(",") if hop.strip()]
    if len(hops) < trusted:
        # Fewer hops than proxies: the request did not come through all of them, so none of
        # the header can be told apart from what a client wrote.
        return remote
    address = hops[-trusted]
    return address if _valid(address) else remote
