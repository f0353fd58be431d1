"""The Content-Security-Policy header (django-csp), its report-only switch, and the pages that
need care under it: the API documentation (Swagger UI) loads its start-up script as a file."""

import runpy
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

EXPECTED = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def directives(header: str) -> dict[str, str]:
    parts = (part.strip().split(" ", 1) for part in header.split(";") if part.strip())
    return {name: value for name, value in parts}


def test_pages_carry_the_policy_without_unsafe_sources(client_as, owner, system):
    for url in [reverse("aims:dashboard"), reverse("inventory:system_detail", args=[system.pk])]:
        response = client_as(owner).get(url)
        assert response.status_code == 200
        policy = directives(response["Content-Security-Policy"])
        assert {name: policy.get(name) for name in EXPECTED} == EXPECTED
        assert "unsafe" not in response["Content-Security-Policy"]
        assert "Content-Security-Policy-Report-Only" not in response


def test_the_login_page_and_the_api_carry_it_too(client, api_as, owner):
    assert "script-src 'self'" in client.get(reverse("login"))["Content-Security-Policy"]
    assert "default-src 'self'" in api_as(owner).get("/api/v1/me/")["Content-Security-Policy"]


def test_report_only_switch_sends_the_same_policy_as_report_only(monkeypatch):
    monkeypatch.setenv("AIMS_CSP_REPORT_ONLY", "1")
    loaded = runpy.run_path(str(Path(settings.BASE_DIR) / "aims" / "settings.py"))
    assert loaded["CONTENT_SECURITY_POLICY"] is None
    assert loaded["CONTENT_SECURITY_POLICY_REPORT_ONLY"]["DIRECTIVES"]["script-src"] == ["'self'"]
    monkeypatch.setenv("AIMS_CSP_REPORT_ONLY", "0")
    loaded = runpy.run_path(str(Path(settings.BASE_DIR) / "aims" / "settings.py"))
    assert loaded["CONTENT_SECURITY_POLICY_REPORT_ONLY"] is None
    assert loaded["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["style-src"] == ["'self'"]


def test_report_only_mode_sends_the_report_only_header(client_as, owner, settings):
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = settings.CONTENT_SECURITY_POLICY
    settings.CONTENT_SECURITY_POLICY = None
    response = client_as(owner).get(reverse("aims:dashboard"))
    assert "Content-Security-Policy" not in response
    assert "script-src 'self'" in response["Content-Security-Policy-Report-Only"]


def test_api_docs_load_their_start_up_script_as_a_file(client_as, owner):
    client = client_as(owner)
    page = client.get(reverse("api-docs"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<style" not in html
    scripts = html.count("<script")
    assert scripts == html.count("<script src=") == 3
    assert 'src="/api/docs/?script="' in html
    script = client.get(reverse("api-docs") + "?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle" in script.content
    assert "script-src 'self'" in page["Content-Security-Policy"]
