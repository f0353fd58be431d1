"""CSV and XLSX files streamed from a queryset, with spreadsheet formulas in user text
neutralised.

See the package docstring (``aims.view_helpers``) for how the bases fit together.
"""

import csv
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from operator import itemgetter
from typing import Any

from django.db.models import Model, QuerySet
from django.http import FileResponse, StreamingHttpResponse
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

#: (header, getter): one column of an export; the getter takes a row and returns its value.
Column = tuple[str, Callable[[Any], Any]]

#: Rows read per query by a streamed export: one chunk in memory, whatever the register's size.
CHUNK_SIZE = 2000

#: A cell starting with one of these is read as a formula by spreadsheets (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: str) -> str:
    """Neutralise spreadsheet formulas in user text (CSV injection): a leading apostrophe."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


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
        # csv_safe, inlined: it runs for every cell of the register.
        cells = map(str, row)
        yield writer.writerow([("'" + c if c.startswith(FORMULA_STARTS) else c) for c in cells])


#: Lines sent per piece of a streamed CSV: each piece is encoded and written once, not each
#: line (per-line overhead was a fifth of a large export's time).
LINES_PER_PIECE = 200


def in_pieces(lines: Iterable[str], size: int = LINES_PER_PIECE) -> Iterator[str]:
    piece: list[str] = []
    for line in lines:
        piece.append(line)
        if len(piece) == size:
            yield "".join(piece)
            piece = []
    if piece:
        yield "".join(piece)


def csv_response(
    rows: QuerySet | Iterable, columns: Sequence[Column], filename: str
) -> StreamingHttpResponse:
    """A streamed CSV attachment: the header line, then one line per row. A queryset is read
    in chunks, so an export of every page holds one chunk in memory, not the register."""
    items = rows.iterator(chunk_size=CHUNK_SIZE) if isinstance(rows, QuerySet) else rows
    getters = [get for _, get in columns]

    def table():
        yield [header for header, _ in columns]
        for item in items:
            yield [get(item) for get in getters]

    response = StreamingHttpResponse(
        in_pieces(csv_lines(table())), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- Getters of ``values()`` rows ------------------------------------------------------------
# A large export reads plain rows (``queryset.values(...)``), not model instances: building an
# instance (and its related ones) per row is what makes an export of 100,000 risks slow. These
# getters answer what the instance's methods would, from the row's keys.


def label_of(model: type[Model], field: str, key: str = "") -> Callable[[Mapping], Any]:
    """The display label of a choice field's value (what ``get_<field>_display`` answers),
    read from the row's ``key`` (default: the field's name)."""
    labels = {value: str(text) for value, text in model._meta.get_field(field).flatchoices}
    key = key or field

    def get(row: Mapping) -> Any:
        return labels.get(row[key], row[key])

    return get


def person_fields(path: str) -> tuple[str, str, str]:
    """The ``values()`` keys :func:`person_of` reads for the user at ``path`` ("owner")."""
    return f"{path}__first_name", f"{path}__last_name", f"{path}__username"


def person_of(path: str) -> Callable[[Mapping], str]:
    """The user at ``path`` named as ``aims.people.display_name`` names them: the full name,
    else the username; "" when there is none."""
    first, last, username = person_fields(path)

    def get(row: Mapping) -> str:
        if row[username] is None:
            return ""
        return f"{row[first]} {row[last]}".strip() or row[username]

    return get


def reference_of(model: type[Model], key: str = "id") -> Callable[[Mapping], str]:
    """The record reference (``RSK-0003``) of the id at ``key``."""
    from aims.models import format_reference

    prefix = model.REFERENCE_PREFIX
    return lambda row: format_reference(prefix, row[key])


def value_of(key: str, blank_none: bool = False) -> Callable[[Mapping], Any]:
    """The row's value at ``key`` (``blank_none``: "" for no value, as the page shows it)."""
    if blank_none:
        return lambda row: "" if row[key] is None else row[key]
    return itemgetter(key)


def moment_of(key: str) -> Callable[[Mapping], Any]:
    """The row's date or moment at ``key`` as :func:`moment` writes it."""
    return lambda row: moment(row[key])


def in_chunks(rows: QuerySet, complete: Callable[[list], None], size: int = CHUNK_SIZE) -> Iterator:
    """``rows`` (``values()``) read a chunk at a time, each chunk handed to ``complete``
    before its rows are yielded, to add what a join cannot give (the many systems of an
    incident, the records evidence is attached to) in one query per chunk."""
    chunk: list = []
    for row in rows.iterator(chunk_size=size):
        chunk.append(row)
        if len(chunk) == size:
            complete(chunk)
            yield from chunk
            chunk = []
    if chunk:
        complete(chunk)
        yield from chunk


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
    items = rows.iterator(chunk_size=CHUNK_SIZE) if isinstance(rows, QuerySet) else rows
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
