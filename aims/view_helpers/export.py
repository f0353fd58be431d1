"""CSV and XLSX files streamed from a queryset, with spreadsheet formulas in user text
neutralised.

See the package docstring (``aims.view_helpers``) for how the bases fit together.
"""

import csv
import tempfile
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

#: (header, getter): one column of an export; the getter takes a row and returns its value.
Column = tuple[str, Callable[[Any], Any]]

#: A cell starting with one of these is read as a formula by spreadsheets (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: str) -> str:
    """Neutralise spreadsheet formulas in user text (CSV injection): a leading apostrophe."""
    return "'" + value if value[:1] in FORMULA_STARTS else value


def moment(value: date | datetime | None) -> date | datetime | str:
    """A date or moment for an export cell: kept typed (the XLSX cell stays a date a
    spreadsheet can sort), to the whole second, and "" when there is none (not "None")."""
    if value is None:
        return ""
    return value.replace(microsecond=0) if isinstance(value, datetime) else value


class Echo:
    """A file-like object whose ``write`` hands back the line, for streaming csv.writer."""

    def write(self, value):
        return value


def csv_lines(rows: Iterable[Sequence[Any]]) -> Iterable[str]:
    """Each row (a sequence of values, header included) as one CSV line, every cell made safe."""
    writer = csv.writer(Echo())
    for row in rows:
        yield writer.writerow([csv_safe(str(value)) for value in row])


def csv_response(
    rows: QuerySet | Iterable, columns: Sequence[Column], filename: str
) -> StreamingHttpResponse:
    """A streamed CSV attachment: the header line, then one line per row. A queryset is read
    in chunks, so an export of every page holds one chunk in memory, not the register."""
    items = rows.iterator(chunk_size=1000) if isinstance(rows, QuerySet) else rows

    def table():
        yield [header for header, _ in columns]
        for item in items:
            yield [get(item) for _, get in columns]

    response = StreamingHttpResponse(csv_lines(table()), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_cell(value: Any) -> Any:
    """A value as an XLSX cell: numbers and dates stay typed (a spreadsheet can sort and sum
    them), everything else becomes text with formulas neutralised and the control
    characters XML cannot hold removed. Timezone-aware moments are written in UTC, since a
    cell has no zone."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, datetime):
        return value if value.tzinfo is None else value.astimezone(UTC).replace(tzinfo=None)
    if isinstance(value, date):
        return value
    return csv_safe(ILLEGAL_CHARACTERS_RE.sub("", str(value)))


def xlsx_response(
    rows: QuerySet | Iterable, columns: Sequence[Column], filename: str, *, title: str = ""
) -> FileResponse:
    """An XLSX attachment of the same columns as :func:`csv_response`. openpyxl's write-only
    workbook writes row by row to a temporary file, which is then streamed from disk: an
    export of the whole register holds one chunk of rows in memory, never the workbook."""
    items = rows.iterator(chunk_size=1000) if isinstance(rows, QuerySet) else rows
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=(title or "Export")[:31])
    sheet.append([header for header, _ in columns])
    for item in items:
        sheet.append([xlsx_cell(get(item)) for _, get in columns])
    # FileResponse closes the file (and so deletes it) once the response is sent.
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115
    book.save(handle)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX_TYPE)
