"""A clear JSON 404 for an API URL that does not exist, and for a write without its trailing slash.

Django's CommonMiddleware (APPEND_SLASH) redirects ``GET /api/v1/systems`` to
``/api/v1/systems/``, which is kept. A POST, PUT, PATCH or DELETE cannot be redirected without
losing its body: CommonMiddleware raises RuntimeError in DEBUG (a 500 with the debug page) and
answers an HTML 404 otherwise. Integrations get instead, in every mode, a 404 in the API's error
shape that names the URL to use.
"""

from django.conf import settings
from django.http import JsonResponse
from django.urls import get_urlconf, is_valid_path

API_PREFIX = "/api/"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def api_path_refusal(*, path: str, method: str) -> dict | None:
    """Why a request to an API path is refused before any view (the body of a 404), or None."""
    if not path.startswith(API_PREFIX):
        return None
    urlconf = get_urlconf()
    if is_valid_path(path, urlconf):
        return None
    with_slash = f"{path}/"
    if not path.endswith("/") and is_valid_path(with_slash, urlconf):
        if method in SAFE_METHODS and settings.APPEND_SLASH:
            return None  # CommonMiddleware redirects (301) to the URL with its slash
        return {
            "message": (
                f"{path} has no trailing slash: send the request to {with_slash} "
                "(API URLs end with a slash; a write is not redirected)."
            ),
            "code": "trailing_slash",
            "extra": {"url": with_slash},
        }
    return {"message": f"No API endpoint at {path}.", "code": "not_found", "extra": {}}


class ApiTrailingSlashMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        refusal = api_path_refusal(path=request.path_info, method=request.method)
        if refusal is not None:
            return JsonResponse(refusal, status=404)
        return self.get_response(request)
