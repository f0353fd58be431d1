"""The OpenAPI schema generates, validates and carries no warnings beyond enum naming
(ENUM_NAME_OVERRIDES belongs in settings: see the API report)."""

import pytest
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

pytestmark = pytest.mark.django_db


def test_schema_is_valid_without_warnings_that_matter():
    GENERATOR_STATS.reset()
    with GENERATOR_STATS.silence():
        schema = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(schema)
    assert not GENERATOR_STATS._error_cache
    assert [w for w in GENERATOR_STATS._warn_cache if "ENUM_NAME_OVERRIDES" not in w] == []
    paths = schema["paths"]
    for path in (
        "/api/v1/auth/token/",
        "/api/v1/me/",
        "/api/v1/systems/",
        "/api/v1/systems/{id}/transition/",
        "/api/v1/systems/{id}/decide/",
        "/api/v1/systems/{id}/release-blockers/",
        "/api/v1/systems/{id}/history/",
        "/api/v1/evidence/{id}/download/",
        "/api/v1/notifications/mark-read/",
        "/api/v1/gate-settings/{gate}/",
    ):
        assert path in paths
    assert "delete" not in paths["/api/v1/systems/{id}/"]
    intake = schema["components"]["schemas"]["AISystemIntakeRequest"]["properties"]
    assert "lifecycle_stage" not in intake and "vendor" in intake


def test_schema_endpoint_serves_json(api_as, auditor):
    response = api_as(auditor).get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "AIMS API"


def test_versioned_writes_document_if_match_etag_and_the_412(api_as, auditor):
    """A client learns from /api/schema/ how not to lose an update: each write of a
    history-tracked record takes If-Match and may answer 412 stale_version with what changed;
    its reads and writes answer ETag. A record without history documents none of it."""
    schema = api_as(auditor).get("/api/schema/", {"format": "json"}).json()
    paths = schema["paths"]

    def if_match(operation):
        return [p for p in operation.get("parameters", []) if p["name"] == "If-Match"]

    for path in ("/api/v1/systems/{id}/", "/api/v1/scope/", "/api/v1/risk-methodology/{id}/"):
        patch = paths[path]["patch"]
        header = if_match(patch)
        assert header and header[0]["in"] == "header" and not header[0].get("required"), path
        stale = patch["responses"]["412"]["content"]["application/json"]["schema"]["$ref"]
        assert stale == "#/components/schemas/StaleVersionError", path
        assert "ETag" in patch["responses"]["200"]["headers"], path
        assert "ETag" in paths[path]["get"]["responses"]["200"]["headers"], path
    assert if_match(paths["/api/v1/interested-parties/{id}/"]["delete"])

    body = schema["components"]["schemas"]["StaleVersionError"]
    assert set(body["properties"]) == {"message", "code", "extra"}
    extra = schema["components"]["schemas"]["StaleVersionExtra"]["properties"]
    assert {"current_version", "your_version", "changed_fields", "changes"} <= set(extra)

    # No history, no version: a beat schedule and an API token document no If-Match.
    assert not if_match(paths["/api/v1/schedules/{id}/"]["patch"])
    assert "412" not in paths["/api/v1/schedules/{id}/"]["patch"]["responses"]
    assert not if_match(paths["/api/v1/tokens/{id}/"]["delete"])
    # A list is no record: no ETag.
    assert "headers" not in paths["/api/v1/systems/"]["get"]["responses"]["200"]
