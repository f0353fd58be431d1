"""The client's address is never taken from a header the client controls."""

import pytest
from django.test import RequestFactory

from aims.client_ip import client_ip


def request(remote="10.0.0.5", forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.AIMS_TRUSTED_PROXY_COUNT = 0
    assert client_ip(request(forwarded="203.0.113.9")) == "10.0.0.5"


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (1, "198.51.100.7", "198.51.100.7"),
        # The client wrote the first address itself; the proxy appended the real one.
        (1, "203.0.113.9, 198.51.100.7", "198.51.100.7"),
        (2, "1.2.3.4, 198.51.100.7, 10.1.1.1", "198.51.100.7"),
        # Fewer hops than proxies: nothing in the header can be trusted.
        (2, "198.51.100.7", "10.0.0.5"),
        (1, "not-an-address", "10.0.0.5"),
        (1, "", "10.0.0.5"),
    ],
)
def test_trusted_proxies_are_counted_from_the_right(settings, count, forwarded, expected):
    settings.AIMS_TRUSTED_PROXY_COUNT = count
    assert client_ip(request(forwarded=forwarded)) == expected
