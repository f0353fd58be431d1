"""The export imports back unchanged (CSV and XLSX); the templates carry the export's
columns; the API uploads, previews, commits and refuses as the pages do."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse

from aims.imports.models import ImportJob
from inventory.imports import EXPORT_HEADINGS
from inventory.models import AISystem
from inventory.views import CSV_COLUMNS
from tests.factories import make_system

from .helpers import csv_bytes, system_row, table, upload

pytestmark = pytest.mark.django_db


def streamed(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_the_template_has_the_exports_columns():
    assert [header for header, _ in CSV_COLUMNS] == list(EXPORT_HEADINGS)


EXPORTS = [("inventory:system_export", "export.csv"), ("inventory:system_export_xlsx", "x.xlsx")]


@pytest.mark.parametrize(("url_name", "name"), EXPORTS)
def test_an_exported_file_imports_back_unchanged(client_as, officer, owner, url_name, name):
    with transaction.atomic():
        make_system(owner, name="Formula-looking =1+1", purpose="-starts with a dash")
        make_system(owner, name="Second")
    exported = streamed(client_as(officer).get(reverse(url_name)))
    history = AISystem.history.count()

    job = upload(officer, exported, name=name)

    assert (job.status, job.unchanged, job.to_create, job.to_update, job.error_count) == (
        "previewed", 2, 0, 0, 0,
    ), job.errors  # fmt: skip
    assert AISystem.history.count() == history


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_template_uploads_as_one_system_to_create(client_as, officer, file_format):
    url = reverse("imports:import_template", args=["systems", file_format])
    content = streamed(client_as(officer).get(url))
    job = upload(officer, content, name=f"template.{file_format}")
    assert (job.to_create, job.error_count) == (1, 0), job.errors


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_api_template_uploads_as_one_system_to_create(api_as, owner, file_format):
    url = reverse("api:importjob-template")
    answer = api_as(owner).get(url, {"kind": "systems", "file_format": file_format})
    assert answer.status_code == 200, answer.content
    job = upload(owner, streamed(answer), name=f"template.{file_format}")
    assert (job.file_format, job.to_create, job.error_count) == (file_format, 1, 0), job.errors


def test_the_api_template_refuses_an_unknown_kind_or_format(api_as, owner):
    url = reverse("api:importjob-template")
    answer = api_as(owner).get(url, {"kind": "spaceships", "file_format": "ods"})
    assert answer.status_code == 400
    assert {"kind", "file_format"} <= set(answer.json()["extra"]["fields"])


def test_the_api_uploads_previews_and_commits(api_as, owner):
    api = api_as(owner)
    file = SimpleUploadedFile("s.csv", csv_bytes(table(system_row())))
    answer = api.post(reverse("api:importjob-list"), {"kind": "systems", "file": file})
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert (body["status"], body["to_create"], body["reference"][:4]) == ("previewed", 1, "IMP-")
    assert AISystem.objects.count() == 0

    committed = api.post(reverse("api:importjob-commit", args=[body["id"]]))
    assert committed.status_code == 200 and committed.json()["status"] == "committed"
    assert AISystem.objects.get().owner == owner
    again = api.post(reverse("api:importjob-commit", args=[body["id"]]))
    assert again.status_code == 409


def test_an_auditor_cannot_upload_through_the_api(api_as, auditor):
    file = SimpleUploadedFile("s.csv", csv_bytes(table(system_row())))
    answer = api_as(auditor).post(reverse("api:importjob-list"), {"kind": "systems", "file": file})
    assert answer.status_code == 403
    assert ImportJob.objects.count() == 0 and AISystem.objects.count() == 0


def test_an_owner_cannot_commit_over_another_owners_system_through_the_api(
    api_as, owner, other_owner
):
    with transaction.atomic():
        theirs = make_system(other_owner)
    file = SimpleUploadedFile("s.csv", csv_bytes(table({"Reference": theirs.reference,
                                                        "Name": "Taken"})))  # fmt: skip
    api = api_as(owner)
    body = api.post(reverse("api:importjob-list"), {"kind": "systems", "file": file}).json()
    assert body["error_count"] == 1 and body["errors"][0]["row"] == 2
    refused = api.post(reverse("api:importjob-commit", args=[body["id"]]))
    assert refused.status_code == 409 and refused.json()["code"] == "import_has_errors"
    theirs.refresh_from_db()
    assert theirs.name != "Taken"


def test_others_do_not_see_an_import(api_as, owner, other_owner):
    job = upload(owner, csv_bytes(table(system_row())))
    assert (
        api_as(other_owner).get(reverse("api:importjob-detail", args=[job.pk])).status_code == 404
    )


def test_the_preview_page_lists_the_refused_rows(client_as, officer):
    job = upload(officer, csv_bytes(table(system_row(**{"Business unit": "Astrology"}))))
    page = client_as(officer).get(reverse("imports:import_detail", args=[job.pk]))
    html = page.content.decode()
    assert "Refused rows" in html and "Astrology" in html and '<th scope="row">2</th>' in html
    assert "Commit this import" not in html
