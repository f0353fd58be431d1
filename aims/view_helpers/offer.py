"""Whether a page may be offered to a user: asked of the page's own view, never re-stated.

A link or button to a page the user may not open is a dead end (a 403 after a click). Rather
than repeat each view's rule in its templates, :func:`may_open` runs the view's own checks: it
resolves the URL, builds the view as Django would and calls its ``dispatch`` — login, role
permission, the record's selector (404 when out of sight), ``check`` (403) — with the handler
replaced by a marker, so nothing past the checks runs (no form, no list query, no write).
A view whose GET also consults a service predicate before offering its form (``refusal()``,
see ``inventory.views.SystemFormView``) is asked that too: a ``RuleForbidden`` answer means
the user may never do it here.

In templates: ``{% may_open "inventory:system_edit" system.pk as can_edit %}`` or
``{% may_open gap.url as can_open %}`` (see ``aims.templatetags.aims_ui``).
"""

import copy
from urllib.parse import urlsplit

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404, HttpRequest, QueryDict
from django.urls import Resolver404, resolve

from aims.errors import RuleForbidden

_OPEN = object()
_CACHE_ATTR = "_aims_may_open"


def _probe_request(request: HttpRequest | None, user, path: str, query: str, method: str):
    """A request for ``path`` as ``user``: a copy of the page's own request when there is one
    (same session and headers), so the view's checks see what a click would send."""
    probe = copy.copy(request) if request is not None else HttpRequest()
    probe.method = method.upper()
    probe.path = probe.path_info = path
    probe.GET = QueryDict(query)
    probe.POST = QueryDict()
    probe.user = user
    if request is None:
        probe.META = {"SERVER_NAME": "localhost", "SERVER_PORT": "80"}
    return probe


def may_open(user, url: str, *, method: str = "get", request: HttpRequest | None = None) -> bool:
    """Whether ``user`` gets past the checks of the view behind ``url`` (a path, with or
    without a query) for ``method``. Unknown paths are False; function views (which have no
    separate checks to run) are True and decide on the real request."""
    if not url or not getattr(user, "is_authenticated", False):
        return False
    cache = getattr(request, _CACHE_ATTR, None) if request is not None else None
    key = (user.pk, method, url)
    if cache is not None and key in cache:
        return cache[key]
    answer = _ask_the_view(user, url, method, request)
    if request is not None:
        if cache is None:
            cache = {}
            setattr(request, _CACHE_ATTR, cache)
        cache[key] = answer
    return answer


def _ask_the_view(user, url: str, method: str, request: HttpRequest | None) -> bool:
    parts = urlsplit(url)
    try:
        match = resolve(parts.path)
    except Resolver404:
        return False
    view_class = getattr(match.func, "view_class", None)
    if view_class is None:
        return True
    probe = _probe_request(request, user, parts.path, parts.query, method)
    probe.resolver_match = match
    view = view_class(**getattr(match.func, "view_initkwargs", {}) or {})
    view.setup(probe, *match.args, **match.kwargs)
    if not hasattr(view, method):
        return False  # the page does not answer this method: 405
    reached = []

    def handler(*args, **kwargs):
        reached.append(True)
        return _OPEN

    setattr(view, method, handler)  # the checks run; the page itself does not
    try:
        response = view.dispatch(probe, *match.args, **match.kwargs)
    except (PermissionDenied, Http404, ObjectDoesNotExist, RuleForbidden):
        return False
    except (AttributeError, TypeError):
        # A dispatch that works on the page's response after the handler (adds a header):
        # the checks were passed when the handler was reached.
        response = _OPEN if reached else None
    if response is not _OPEN:
        return False  # a redirect to the login page or elsewhere, or 405
    refusal = getattr(view, "refusal", None)
    try:
        if callable(refusal) and isinstance(refusal(), RuleForbidden):
            return False
    except (PermissionDenied, Http404, ObjectDoesNotExist, RuleForbidden):
        return False
    return True
