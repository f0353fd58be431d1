"""The database unavailable (restarted, failed over, out of connections) while a request ran:
a clear 503 that says nothing was saved, instead of a server error. Every write is one
transaction (the services'), so a write the database lost is rolled back whole; Django drops
the broken connection at the end of the request and the next request connects again (with
CONN_HEALTH_CHECKS, a persistent connection is checked before it is reused)."""

import logging
import sys

from django.db import InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.views import defaults

from aims.errors import Code

logger = logging.getLogger(__name__)

DATABASE_UNAVAILABLE = "The database was unavailable; nothing was saved. Try again in a moment."
RETRY_AFTER_SECONDS = "5"


def is_database_outage(exc: BaseException) -> bool:
    """A lost or refused connection; on SQLite, only a database locked beyond the timeout (its
    other operational errors are programming errors, which must stay loud)."""
    if not isinstance(exc, OperationalError | InterfaceError):
        return False
    if connections["default"].vendor == "sqlite":
        return "locked" in str(exc)
    return True


def outage_response(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"message": DATABASE_UNAVAILABLE, "code": str(Code.DATABASE_UNAVAILABLE), "extra": {}},
            status=503,
        )
    else:
        # A page of its own, free of the database: the usual layout reads the user's menus.
        html = loader.render_to_string("503.html", {
            "message": DATABASE_UNAVAILABLE,
            "code": str(Code.DATABASE_UNAVAILABLE),
            "retry_url": request.get_full_path(),
            **_resend(request),
        })  # fmt: skip
        response = HttpResponse(html, status=503)
    response["Retry-After"] = RETRY_AFTER_SECONDS
    return response


def _resend(request: HttpRequest) -> dict:
    """A form's post that the database lost, to send again as it was: what the person typed
    is not lost with the request (files cannot be carried over; the page says so)."""
    if request.method != "POST":
        return {}
    try:
        fields = [(name, value) for name, values in request.POST.lists() for value in values]
        files = bool(request.FILES)
    except Exception:  # noqa: BLE001 -- a body that cannot be read again is not offered back
        logger.warning("The lost post to %s could not be read back", request.path)
        return {}
    return {"resend_fields": fields, "resend_files": files}


class DatabaseUnavailableMiddleware:
    """Turns a database outage raised by a view (pages and API) into :func:`outage_response`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_database_outage(exception):
            return None
        logger.error("Database unavailable during %s %s: %s", request.method, request.path,
                     exception)  # fmt: skip
        for connection in connections.all(initialized_only=True):
            connection.close_if_unusable_or_obsolete()
        return outage_response(request)


def server_error(request, template_name: str = "500.html") -> HttpResponse:
    """``handler500``: an outage raised outside a view (a middleware reading the session
    from a database that just went away) is the same 503; anything else the usual 500."""
    exc = sys.exc_info()[1]
    if exc is not None and is_database_outage(exc):
        return outage_response(request)
    return defaults.server_error(request, template_name)
