"""The token endpoint's throttle, counted per real client address (aims.client_ip, never a
client-supplied X-Forwarded-For) in the shared cache, so every worker counts the same."""

from rest_framework.throttling import ScopedRateThrottle

from aims.client_ip import client_ip


class ClientAddressScopedRateThrottle(ScopedRateThrottle):
    def get_ident(self, request) -> str:
        return client_ip(request) or "unknown"
