"""Facts read once per read-only request.

A page asks the same questions many times: a system's page asks whether the user may change
the system for its buttons, for each link it offers (``aims.view_helpers.offer.may_open`` runs
the checks of the page behind the link, which loads the system again), for its comments. In a
safe request (GET, HEAD, OPTIONS), which grants and writes nothing, each answer is kept for
the rest of the request: a user's object permissions on a record (guardian's checker), and a
record loaded through a selector that opts in (:func:`remember`). Outside such a request
(services, tasks, writes) nothing is kept, so a grant or an edit is seen at once.
"""

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

T = TypeVar("T")
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
_scope: ContextVar[dict | None] = ContextVar("aims_read_once", default=None)


@contextmanager
def read_once() -> Iterator[None]:
    """Within the block, answers are kept (see the module docstring). Only for blocks that
    grant and write nothing: a change made inside is not seen."""
    token = _scope.set({})
    try:
        yield
    finally:
        _scope.reset(token)


def in_read_once() -> bool:
    return _scope.get() is not None


def remember(key: Hashable, load: Callable[[], T]) -> T:
    """``load()``, or what it answered earlier for ``key`` in this read-only request. A
    refusal (an exception) is not kept."""
    scope = _scope.get()
    if scope is None:
        return load()
    if key not in scope:
        scope[key] = load()
    return scope[key]


class ReadOnceMiddleware:
    """Keeps answers for the rest of a safe (read-only) request."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in SAFE_METHODS:
            return self.get_response(request)
        with read_once():
            return self.get_response(request)
