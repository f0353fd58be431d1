"""The lockout after repeated failed sign-ins (django-axes), on every way in: the browser
sign-in, the admin sign-in and the API token endpoint.

Two limits, both counted in the shared cache (``CACHES["default"]``, Redis in production) so
that every web worker agrees:

- one account from one client address (``AIMS_LOCKOUT_FAILURES``, 5): the usual typo-proof
  limit; a lockout here leaves the owner signing in from elsewhere unaffected;
- one account from any address (``AIMS_LOCKOUT_ACCOUNT_FAILURES``, 20): an attacker who rotates
  addresses still runs out of guesses.

The client address is only ever ``aims.client_ip.client_ip`` (a configured number of trusted
proxies; ``X-Forwarded-For`` is ignored otherwise). Both counters expire
``AIMS_LOCKOUT_MINUTES`` after the last counted failure; attempts during a lockout are refused
(the right password too) and not counted, so the lockout ends on time.

Why our own handler rather than axes' stock ``AxesCacheHandler``: that one has a single limit
for every key, and cannot unlock an account whose counters are keyed on account *and* address
(the cache cannot list keys). Here each account's keys carry a generation; unlocking (the
sign-in audit page, ``manage.py axes_reset_username``) starts a new generation, which leaves
every old counter of the account behind, to expire.
"""

import hashlib
import logging
import time

from axes.backends import AxesStandaloneBackend
from axes.handlers.cache import AxesCacheHandler
from axes.helpers import get_client_username
from axes.signals import user_locked_out
from django.conf import settings
from django.core.cache import caches
from django.shortcuts import render

from aims.client_ip import client_ip

logger = logging.getLogger(__name__)

ADDRESS = "address"  # locked: this account from this address
ACCOUNT = "account"  # locked: this account from everywhere


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()


def lockout_seconds() -> int | None:
    """How long a lockout lasts (None: until an officer unlocks it)."""
    minutes = getattr(settings, "AIMS_LOCKOUT_MINUTES", 15)
    return minutes * 60 if minutes > 0 else None


def _limits() -> tuple[int, int]:
    return (
        getattr(settings, "AIMS_LOCKOUT_FAILURES", 5),
        getattr(settings, "AIMS_LOCKOUT_ACCOUNT_FAILURES", 20),
    )


def _cache():
    return caches[getattr(settings, "AXES_CACHE", "default")]


def _generation(username: str) -> str:
    return _cache().get(f"aims-lockout-gen:{_digest(username)}", "0")


def _keys(username: str, address: str) -> tuple[str, str]:
    generation = _generation(username)
    return (
        f"aims-lockout:pair:{_digest(generation, username, address)}",
        f"aims-lockout:account:{_digest(generation, username)}",
    )


def lock_reason(pair_failures: int, account_failures: int) -> str | None:
    """Which limit the counts reach (None: neither)."""
    pair_limit, account_limit = _limits()
    if pair_limit > 0 and pair_failures >= pair_limit:
        return ADDRESS
    if account_limit > 0 and account_failures >= account_limit:
        return ACCOUNT
    return None


def failures(username: str, address: str) -> tuple[int, int]:
    """Counted failures of ``username``: from ``address``, and from anywhere."""
    pair_key, account_key = _keys(username, address)
    counts = _cache().get_many([pair_key, account_key])
    return counts.get(pair_key, 0), counts.get(account_key, 0)


def account_locked(username: str) -> bool:
    """Whether ``username`` is locked out everywhere (its address-bound locks cannot be listed)."""
    return lock_reason(0, failures(username, "")[1]) == ACCOUNT


def unlock(username: str) -> int:
    """End every lockout of ``username``; returns its failures counted from anywhere."""
    cache = _cache()
    counted = failures(username, "")[1]
    cache.set(f"aims-lockout-gen:{_digest(username)}", str(time.time_ns()), None)
    return counted


def _address(request) -> str:
    return getattr(request, "axes_ip_address", None) or client_ip(request) or ""


class LockoutBackend(AxesStandaloneBackend):
    """Axes' standalone backend (first in AUTHENTICATION_BACKENDS): refuses a locked-out
    sign-in before any password is checked. A call without a request is no sign-in over HTTP
    (a management command, the test client's ``login()``): there is no address to count."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)


class LockoutHandler(AxesCacheHandler):
    """Axes' cache handler with the two limits and the unlock by generation (see above)."""

    def __init__(self):  # the cache is looked up on use: tests swap it
        pass

    @property
    def cache(self):
        return _cache()

    def _counts(self, request, credentials) -> tuple[str | None, int, int]:
        username = get_client_username(request, credentials)
        if not username:
            return None, 0, 0
        return username, *failures(username, _address(request))

    def get_failures(self, request, credentials=None) -> int:
        return self._counts(request, credentials)[1]

    def is_locked(self, request, credentials=None) -> bool:
        username, pair, account = self._counts(request, credentials)
        return username is not None and lock_reason(pair, account) is not None

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        if request is None:
            return
        username = get_client_username(request, credentials)
        if not username or self.is_whitelisted(request, credentials):
            return
        address = _address(request)
        if lock_reason(*failures(username, address)) is not None:
            # Refused because locked (the right password included): not counted, so the
            # lockout ends when announced.
            request.aims_signin_outcome = "refused_locked"
            request.axes_locked_out = True
            request.axes_credentials = credentials
            return
        cache, timeout = self.cache, lockout_seconds()
        counts = []
        for key in _keys(username, address):
            if cache.add(key, 1, timeout):
                counts.append(1)
            else:
                try:
                    counts.append(cache.incr(key))
                except ValueError:  # expired between add and incr
                    cache.set(key, 1, timeout)
                    counts.append(1)
                cache.touch(key, timeout)
        request.axes_failures_since_start = counts[0]
        request.aims_signin_outcome = "failed"
        if lock_reason(*counts) is not None:
            logger.warning("Sign-in locked out after repeated failures: %s", username)
            request.axes_locked_out = True
            request.axes_credentials = credentials
            request.aims_signin_outcome = "locked_out"
            user_locked_out.send("axes", request=request, username=username, ip_address=address)

    def user_logged_in(self, sender, request, user, **kwargs):
        """A successful sign-in clears the failures from its address (not the account's)."""
        if request is None or not getattr(settings, "AXES_RESET_ON_SUCCESS", True):
            return
        pair_key, _ = _keys(user.get_username(), _address(request))
        self.cache.delete(pair_key)

    def user_logged_out(self, sender, request, user, **kwargs):
        return None

    def reset_attempts(self, *, ip_address=None, username=None, ip_or_username=False) -> int:
        """``manage.py axes_reset_username NAME`` (and ``axes_reset``) end the account's
        lockouts. By address alone the cache cannot find them: nothing is reset."""
        if username:
            return unlock(username)
        logger.warning("Lockouts are reset per account (axes_reset_username), not per address.")
        return 0


def lockout_response(request, original_response=None, credentials=None):
    """The browser's "sign-in paused" page (HTTP 429), for the sign-in and the admin sign-in."""
    seconds = lockout_seconds()
    response = render(
        request,
        "signins/locked_out.html",
        {"minutes": seconds // 60 if seconds else None},
        status=429,
    )
    if seconds:
        response["Retry-After"] = str(seconds)
    return response
