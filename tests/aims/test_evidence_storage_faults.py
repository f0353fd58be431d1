"""The file storage fails during an upload (issue 21, faults survived): the user gets a clear
error with a code (a form error, a 503 JSON body), never a server error, and no evidence row
is kept without its file; the database failing after the file was stored leaves no file."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError
from django.urls import reverse

from aims.errors import Code, ServiceUnavailable
from aims.evidence.services import evidence_create, evidence_replace
from aims.models import Evidence

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4 storage fault test"


def pdf(name="report.pdf"):
    return SimpleUploadedFile(name, PDF, "application/pdf")


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture
def failing_storage(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "tests.failing_storage.FailingStorage"},
    }
    return settings


def test_api_upload_with_the_storage_down_is_a_503_with_a_code_and_keeps_nothing(
    api_as, owner, system, failing_storage
):
    response = api_as(owner).post(
        reverse("api:evidence-library-list"),
        {"target_type": "inventory.aisystem", "target_id": system.pk, "title": "DPIA",
         "file": pdf()},
        format="multipart",
    )  # fmt: skip
    assert response.status_code == 503
    body = response.json()
    assert body["code"] == "storage_unavailable"
    assert "nothing was saved" in body["message"]
    assert Evidence.objects.count() == 0
    assert Evidence.history.count() == 0
    assert stored_files(failing_storage) == []


def test_browser_upload_with_the_storage_down_shows_the_error_on_the_form(
    client_as, owner, system, failing_storage
):
    url = reverse("aims:evidence_attach", args=["inventory.aisystem", system.pk])
    response = client_as(owner).post(url, {"title": "DPIA", "file": pdf()})
    assert response.status_code == 503
    page = response.content.decode()
    assert "The file could not be stored" in page and "nothing was saved" in page
    assert 'name="title"' in page  # the form is shown again, filled in
    assert Evidence.objects.count() == 0


def test_replacing_with_the_storage_down_keeps_the_current_version(api_as, owner, system, settings):
    current = evidence_create(actor=owner, target=system, title="DPIA", file=pdf())
    before = set(stored_files(settings))
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "tests.failing_storage.FailingStorage"},
    }
    response = api_as(owner).post(
        reverse("api:evidence-library-replace", args=[current.pk]),
        {"file": pdf("v2.pdf")},
        format="multipart",
    )
    assert response.status_code == 503 and response.json()["code"] == "storage_unavailable"
    current.refresh_from_db()
    assert current.superseded_at is None
    assert Evidence.objects.count() == 1
    assert set(stored_files(settings)) == before


def test_the_service_raises_the_storage_code(owner, system, failing_storage):
    with pytest.raises(ServiceUnavailable) as refused:
        evidence_create(actor=owner, target=system, title="DPIA", file=pdf())
    assert refused.value.code == Code.STORAGE_UNAVAILABLE
    assert refused.value.status_code == 503


def test_database_failing_after_the_file_was_stored_removes_the_file(
    owner, system, settings, monkeypatch
):
    """The file is stored first; when the row's write then fails (the database lost), the
    stored file is removed again: no file without its record either."""

    def lost(*args, **kwargs):
        raise DatabaseError("server closed the connection unexpectedly")

    monkeypatch.setattr(Evidence, "save", lost)
    with pytest.raises(DatabaseError):
        evidence_create(actor=owner, target=system, title="DPIA", file=pdf())
    monkeypatch.undo()
    assert stored_files(settings) == []
    assert Evidence.objects.count() == 0


def test_a_link_needs_no_storage(owner, system, failing_storage):
    evidence = evidence_create(
        actor=owner, target=system, title="Model card", url="https://example.org/card"
    )
    assert evidence.pk and evidence.kind == Evidence.Kind.LINK


def test_replace_service_with_the_storage_down_raises_and_keeps_the_old_row(
    owner, system, settings
):
    current = evidence_create(actor=owner, target=system, title="DPIA", file=pdf())
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "tests.failing_storage.FailingStorage"},
    }
    with pytest.raises(ServiceUnavailable):
        evidence_replace(actor=owner, evidence=current, file=pdf("v2.pdf"))
    assert Evidence.objects.get().pk == current.pk
