"""Files for import tests: CSV and XLSX bytes built from rows of cells."""

import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from aims.imports import services
from inventory.imports import EXPORT_HEADINGS


def csv_bytes(rows: list[list], *, bom: bool = False, encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return (("\ufeff" if bom else "") + out.getvalue()).encode(encoding)


def xlsx_bytes(rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def system_row(**cells) -> dict:
    """A new system's cells, by heading, complete enough for intake."""
    base = {
        "External id": "EXT-1", "Name": "Imported screening tool",
        "Business unit": "Human resources",
        "Deployment type": "Third-party API", "AI technique": "Generative AI / LLM",
        "Decision impact": "Assists a human",
        "Human oversight": "Human in the loop (approves each output)",
        "Personal data": "Personal data", "User facing": "no", "Used in the EU": "yes",
        "Purpose": "Sorts applications for a recruiter.",
    }  # fmt: skip
    base.update(cells)
    return base


def table(*rows: dict, headings=EXPORT_HEADINGS) -> list[list]:
    return [list(headings), *([row.get(h, "") for h in headings] for row in rows)]


def upload(actor, content: bytes, name: str = "systems.csv", kind: str = "systems"):
    return services.import_upload(
        actor=actor, kind=kind, uploaded=SimpleUploadedFile(name, content)
    )
