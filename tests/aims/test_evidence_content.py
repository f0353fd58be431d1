"""Uploads are checked by content, not only by extension (aims.evidence.content): an HTML page
named fake.pdf is refused with a field error in the browser and the API, and nothing is stored."""

import io
import json
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from aims.evidence.content import content_matches_extension
from aims.models import Evidence

pytestmark = pytest.mark.django_db

HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
XLSX = _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
PPTX = _zip({"[Content_Types].xml": b"<Types/>", "ppt/presentation.xml": b"<p/>"})
ODT = _zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"})
ODS = _zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"})

GOOD = {
    "pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj",
    "png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    "jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF",
    "jpeg": b"\xff\xd8\xff\xe1\x00\x10Exif",
    "gif": b"GIF89a\x01\x00\x01\x00",
    "docx": DOCX,
    "xlsx": XLSX,
    "pptx": PPTX,
    "odt": ODT,
    "ods": ODS,
    "txt": "Résumé of the drift review\n".encode(),
    "csv": b"\xef\xbb\xbfmetric,value\nprecision,0.83\n",
    "md": b"# Findings\n\n- none\n",
    "json": json.dumps({"auc": 0.91}).encode(),
}
BAD = {
    "pdf": HTML,
    "png": b"GIF89a\x01\x00",
    "jpg": HTML,
    "gif": b"%PDF-1.4",
    "docx": XLSX,  # a ZIP, but a workbook
    "xlsx": b"PK\x03\x04 not really a zip",
    "pptx": DOCX,
    "odt": ODS,  # OpenDocument, but a spreadsheet
    "ods": DOCX,
    "txt": b"MZ\x90\x00\x03\x00\x00\x00",  # NUL bytes: an executable
    "csv": b"\xff\xfe\x00a\x00b",  # not UTF-8
    "md": b"\x00\x01\x02",
    "json": b"{'not': json}",
}


@pytest.mark.parametrize("extension", sorted(GOOD))
def test_each_allowed_type_is_recognised_by_its_content(extension, settings):
    assert extension in settings.EVIDENCE_ALLOWED_EXTENSIONS
    upload = SimpleUploadedFile(f"f.{extension}", GOOD[extension])
    assert content_matches_extension(upload, extension)
    assert upload.read() == GOOD[extension]  # the file is rewound for hashing and storage


@pytest.mark.parametrize("extension", sorted(BAD))
def test_content_of_another_kind_is_refused(extension):
    assert not content_matches_extension(
        SimpleUploadedFile(f"f.{extension}", BAD[extension]), extension
    )


def test_every_allowed_extension_has_a_content_check(settings):
    assert set(settings.EVIDENCE_ALLOWED_EXTENSIONS) <= set(GOOD)
    assert not content_matches_extension(SimpleUploadedFile("x.svg", b"<svg/>"), "svg")


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_browser_refuses_html_named_pdf_with_a_field_error(client_as, owner, system, settings):
    url = reverse("aims:evidence_attach", args=["inventory.aisystem", system.pk])
    response = client_as(owner).post(
        url, {"title": "DPIA", "file": SimpleUploadedFile("fake.pdf", HTML, "application/pdf")}
    )
    assert response.status_code == 400
    assert "content does not match its extension: a .pdf file must be a PDF document" in (
        response.content.decode()
    )
    assert Evidence.objects.count() == 0 and stored_files(settings) == []


def test_api_refuses_html_named_pdf_with_a_400_field_error(api_as, owner, system, settings):
    response = api_as(owner).post(
        reverse("api:evidence-library-list"),
        {
            "target_type": "inventory.aisystem",
            "target_id": system.pk,
            "title": "DPIA",
            "file": SimpleUploadedFile("fake.pdf", HTML, "application/pdf"),
        },
        format="multipart",
    )
    assert response.status_code == 400
    error = response.json()["extra"]["fields"]["file"][0]
    assert "does not match its extension" in error
    assert Evidence.objects.count() == 0 and stored_files(settings) == []


def test_evidence_on_a_test_record_is_checked_too(api_as, owner, system, settings):
    """Evidence attached through another record (a test record's evidence_file) goes through
    the same check, and the record is not saved either."""
    from inventory.models import ValidationRecord
    from tests.api.conftest import api_url
    from tests.api.test_children import VALIDATION

    response = api_as(owner).post(
        api_url("validationrecord-list"),
        {
            **VALIDATION,
            "system": system.pk,
            "evidence_file": SimpleUploadedFile("r.pdf", HTML, "application/pdf"),
        },
        format="multipart",
    )
    assert response.status_code == 400, response.content
    assert "does not match its extension" in response.json()["extra"]["fields"]["evidence_file"][0]
    assert not ValidationRecord.objects.exists()
    assert Evidence.objects.count() == 0 and stored_files(settings) == []


def test_a_real_pdf_is_still_accepted(client_as, owner, system):
    url = reverse("aims:evidence_attach", args=["inventory.aisystem", system.pk])
    response = client_as(owner).post(
        url, {"title": "DPIA", "file": SimpleUploadedFile("dpia.pdf", GOOD["pdf"])}
    )
    assert response.status_code in (302, 303), response.content[:500]
    assert Evidence.objects.get().original_filename == "dpia.pdf"
