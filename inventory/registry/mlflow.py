"""A small client of MLflow's model registry REST API (``/api/2.0/mlflow/...``): the three
reads the sync needs, over the standard library's HTTP client (as webhooks send), with a
timeout and no redirects. The app needs no MLflow package at run time.

Every failure is a :class:`RegistryError` whose message says what went wrong in words; a
model, alias or stage the registry does not know is a :class:`RegistryNotFound`."""

import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.conf import settings

API = "/api/2.0/mlflow"
USER_AGENT = "AIMS-ModelRegistrySync/1"
#: Versions read, newest first, to find the newest one whose registration finished.
NEWEST_WINDOW = 20
STAGES = ("Staging", "Production", "Archived")


class RegistryError(Exception):
    """The registry could not be read; the message is for people."""


class RegistryNotFound(RegistryError):
    """The registry answered, and does not know the model, alias or stage."""


@dataclass(frozen=True)
class Followed:
    """What a link's pointer names now: a version of the model."""

    version: str


def timeout() -> float:
    return float(getattr(settings, "AIMS_MODEL_REGISTRY_TIMEOUT", 10))


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # a redirect could lead anywhere: refuse
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def _get(base: str, path: str, params: dict[str, str]) -> dict:
    url = f"{base.rstrip('/')}{API}{path}?{urllib.parse.urlencode(params)}"
    request = urllib.request.Request(  # noqa: S310 -- http(s) only, checked by targets
        url, headers={"Accept": "application/json", "User-Agent": USER_AGENT}
    )
    try:
        with _OPENER.open(request, timeout=timeout()) as answer:
            return json.loads(answer.read(1_000_000) or b"{}")
    except urllib.error.HTTPError as error:
        raise _refusal(error) from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise RegistryError(f"The registry at {base} could not be reached: {reason}.") from None
    except ValueError:
        raise RegistryError(f"The registry at {base} did not answer in JSON.") from None


def _refusal(error: urllib.error.HTTPError) -> RegistryError:
    try:
        body = json.loads(error.read(100_000) or b"{}")
    except ValueError:
        body = {}
    message = str(body.get("message") or error.reason or "").strip()
    code = body.get("error_code", "")
    if error.code == 404 or code == "RESOURCE_DOES_NOT_EXIST" or "not found" in message.lower():
        return RegistryNotFound(message or "The registry does not know this model.")
    if 300 <= error.code < 400:
        return RegistryError(f"The registry redirected to another address (HTTP {error.code}).")
    return RegistryError(f"The registry refused the request (HTTP {error.code}): {message}")


def registered_model(base: str, name: str) -> dict:
    return _get(base, "/registered-models/get", {"name": name}).get("registered_model", {})


def newest_version(base: str, name: str) -> Followed:
    """The newest version whose registration finished (a failed or pending one is no model)."""
    body = _get(
        base,
        "/model-versions/search",
        {
            "filter": f"name='{name.replace(chr(39), chr(39) * 2)}'",
            "order_by": "version_number DESC",
            "max_results": str(NEWEST_WINDOW),
        },
    )
    for version in body.get("model_versions", []):
        if version.get("status", "READY") == "READY":
            return Followed(str(version["version"]))
    raise RegistryNotFound(f"The model {name} has no version yet.")


def alias_version(base: str, name: str, alias: str) -> Followed:
    body = _get(base, "/registered-models/alias", {"name": name, "alias": alias})
    return Followed(str(body["model_version"]["version"]))


def stage_version(base: str, name: str, stage: str) -> Followed:
    """The newest version in ``stage`` (the registered model lists the latest per stage)."""
    for version in registered_model(base, name).get("latest_versions", []):
        if version.get("current_stage") == stage:
            return Followed(str(version["version"]))
    raise RegistryNotFound(f"No version of {name} is in the stage {stage}.")


def read_followed(*, tracking_uri: str, model_name: str, follow: str, value: str) -> Followed:
    """The version the link's pointer names now. Reads the model first, so an unknown model
    is named as such rather than as a missing alias or version."""
    try:
        registered_model(tracking_uri, model_name)
    except RegistryNotFound:
        raise RegistryNotFound(
            f"The registry at {tracking_uri} has no registered model named {model_name}."
        ) from None
    if follow == "alias":
        try:
            return alias_version(tracking_uri, model_name, value)
        except RegistryNotFound:
            raise RegistryNotFound(f"The model {model_name} has no alias @{value}.") from None
    if follow == "stage":
        return stage_version(tracking_uri, model_name, value)
    return newest_version(tracking_uri, model_name)
