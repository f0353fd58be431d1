"""The OpenAPI schema (drf-spectacular) says what the API does beyond each view's serializers:
every versioned write (aims.api.versions) documents the ``If-Match`` request header, the
``ETag`` of its answer and its 412 ``stale_version`` refusal with the body's shape; every
versioned read documents its ``ETag``. Derived from the same rules the requests follow, so a
viewset added later is documented without a decorator of its own."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, OpenApiTypes

from .serializers import StaleVersionErrorSerializer
from .versions import IF_MATCH, versioned_operation

IF_MATCH_HELP = (
    'The record\'s version the write was loaded at: the ETag of its latest GET ("12"). '
    "A record changed since answers 412 stale_version with what changed, and nothing is "
    'saved. Without it (or with "*") the write is not checked. A value that is no version '
    'is a 400. The body\'s "record_version" says the same where a header cannot be sent.'
)
ETAG_HELP = 'The record\'s version ("12"): send it as If-Match on the next write of this record.'
STALE_HELP = (
    "The record changed since the version in If-Match: nothing was saved. The body lists "
    "what changed (extra.changes); extra.current_version is the version to send after "
    "reviewing them."
)


class AIMSAutoSchema(AutoSchema):
    """The project's schema class (``DEFAULT_SCHEMA_CLASS``)."""

    def versioning(self) -> tuple[bool, bool]:
        return versioned_operation(self.view, self.method)

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        if self.versioning()[0]:
            parameters.append(
                OpenApiParameter(
                    IF_MATCH,
                    OpenApiTypes.STR,
                    OpenApiParameter.HEADER,
                    required=False,
                    description=IF_MATCH_HELP,
                )
            )
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        checks, answers = self.versioning()
        if answers:
            for code, response in responses.items():
                if str(code).startswith("2") and str(code) != "204":
                    headers = response.setdefault("headers", {})
                    headers["ETag"] = {"schema": {"type": "string"}, "description": ETAG_HELP}
        if checks:
            stale = self._get_response_for_code(StaleVersionErrorSerializer, "412")
            responses["412"] = {**stale, "description": STALE_HELP}
        return responses
