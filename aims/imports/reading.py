"""A spreadsheet read as rows of cells, refusing what cannot be trusted.

Streaming: a CSV is decoded line by line, an XLSX read with openpyxl's read-only workbook
(rows parsed from the zipped XML as they are asked for), so memory stays flat whatever the
file's size, and a refusal (too many rows, a run of blank rows) stops reading at once.

Cells come back as text (stripped), or as dates and numbers where an XLSX cell is typed.
The export's protection against spreadsheet formulas (a leading apostrophe before = + - @,
``aims.view_helpers.export.csv_safe``) is undone, so an exported file reads back as it was.
A real formula is refused: an XLSX cell holding one, or a CSV cell a spreadsheet would run
as one (starting with = or @, or with + or - when it is not a number).
"""

import contextlib
import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO, Any

from django.conf import settings

from aims.errors import BusinessRuleError, Code
from aims.view_helpers.export import FORMULA_STARTS

#: A number as a CSV holds it: "-3", "+1.5", "-2e3". Such a cell is data, not a formula.
NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?")
XLSX_MAGIC = b"PK\x03\x04"


class FileRefused(BusinessRuleError):
    """The whole file is refused (malformed, wrong encoding, too large...): nothing is read
    further and nothing is written."""

    default_code = Code.IMPORT_FILE_REFUSED


@dataclass
class Row:
    """One data row: its number as the spreadsheet shows it (the heading is row 1), its
    cells by column heading, and the cells refused as they were read."""

    number: int
    cells: dict[str, Any]
    problems: list[tuple[str, str]] = field(default_factory=list)  # (column, message)

    def text(self, column: str) -> str:
        value = self.cells.get(column)
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value).strip()


def detect_format(name: str, head: bytes) -> str:
    """ "xlsx" or "csv", from the file's first bytes (an XLSX is a zip) and its name."""
    if head.startswith(XLSX_MAGIC):
        return "xlsx"
    if name.lower().endswith((".xlsx", ".xlsm")):
        raise FileRefused(
            "The file is named .xlsx but is not an Excel workbook.", code=Code.IMPORT_FILE_REFUSED
        )
    return "csv"


def unescape(text: str) -> str:
    """Undo the export's formula protection: "'=x" -> "=x"."""
    if text.startswith("'") and text[1:2] and text[1] in FORMULA_STARTS:
        return text[1:]
    return text


def csv_formula(text: str) -> bool:
    """Whether a spreadsheet opening this CSV cell would run it as a formula."""
    if not text or text[0] not in "=+-@":
        return False
    return not (text[0] in "+-" and NUMBER.fullmatch(text))


FORMULA_MESSAGE = (
    "holds a formula; imports take values only (paste the values, or start the text with an "
    "apostrophe to keep it as text)"
)


def read_rows(handle: IO[bytes], file_format: str, columns: dict[str, bool]) -> Iterator[Row]:
    """The data rows of the file's first sheet, after checking its heading against
    ``columns`` (heading -> required). Raises :class:`FileRefused` for the whole file."""
    reader = _xlsx_lines(handle) if file_format == "xlsx" else _csv_lines(handle)
    header = next(reader, None)
    if header is None:
        raise FileRefused(
            "The file is empty: it needs a heading row and at least one row.",
            code=Code.IMPORT_FILE_REFUSED,
        )
    headings = _check_heading([value for _, value in header[1]], columns)
    max_rows = settings.IMPORT_MAX_ROWS
    max_blank = settings.IMPORT_MAX_BLANK_ROWS
    blank_run, seen = 0, 0
    for number, cells in reader:
        seen += 1
        if seen > max_rows:
            raise FileRefused(
                f"The file has more than {max_rows:,} rows; split it into smaller files.",
                code=Code.IMPORT_FILE_REFUSED,
            )
        row = _row(number, cells, headings)
        if row is None:
            blank_run += 1
            if blank_run > max_blank:
                raise FileRefused(
                    f"More than {max_blank:,} blank rows in a row (from row "
                    f"{number - blank_run + 1}): the sheet is probably formatted far past its "
                    "data. Delete the blank rows and upload it again.",
                    code=Code.IMPORT_FILE_REFUSED,
                )
            continue
        blank_run = 0
        yield row


def _check_heading(raw: list[Any], columns: dict[str, bool]) -> list[str | None]:
    by_name = {name.casefold(): name for name in columns}
    headings: list[str | None] = []
    unknown, seen = [], set()
    for cell in raw:
        text = unescape(str(cell).strip()) if cell is not None else ""
        if not text:
            headings.append(None)
            continue
        name = by_name.get(text.casefold())
        if name is None:
            unknown.append(text)
        elif name in seen:
            raise FileRefused(
                f"The column '{name}' appears twice in the heading row.",
                code=Code.IMPORT_FILE_REFUSED,
            )
        seen.add(name)
        headings.append(name)
    if unknown:
        raise FileRefused(
            f"Unknown column(s): {', '.join(repr(u) for u in unknown)}. The columns this "
            f"import reads are: {', '.join(columns)}.",
            code=Code.IMPORT_FILE_REFUSED,
        )
    missing = [name for name, required in columns.items() if required and name not in seen]
    if missing:
        raise FileRefused(
            f"Missing column(s): {', '.join(missing)}.", code=Code.IMPORT_FILE_REFUSED
        )
    return headings


def _row(number: int, cells: list[tuple[bool, Any]], headings: list[str | None]) -> Row | None:
    row = Row(number=number, cells={})
    empty = True
    for index, (formula, value) in enumerate(cells):
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        empty = False
        heading = headings[index] if index < len(headings) else None
        if heading is None:
            row.problems.append((f"column {index + 1}", "has a value but no heading"))
            continue
        if formula:
            row.problems.append((heading, FORMULA_MESSAGE))
            continue
        row.cells[heading] = unescape(value.strip()) if isinstance(value, str) else value
    return None if empty else row


Line = tuple[int, list[tuple[bool, Any]]]  # (row number, [(is a formula, value)])


def _csv_lines(handle: IO[bytes]) -> Iterator[Line]:
    text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
    reader = csv.reader(text, strict=True)
    number = 0
    try:
        for cells in reader:
            number = reader.line_num
            yield number, [(csv_formula(c.strip()), c) for c in cells]
    except UnicodeDecodeError:
        raise FileRefused(
            f"The file is not UTF-8 text (near line {number + 1}). Save it as 'CSV UTF-8' "
            "and upload it again.",
            code=Code.IMPORT_FILE_REFUSED,
        ) from None
    except csv.Error as error:
        raise FileRefused(
            f"The CSV file is malformed near line {number + 1}: {error}.",
            code=Code.IMPORT_FILE_REFUSED,
        ) from None
    finally:
        # The caller closes the file, not this wrapper (already closed when it stopped early).
        with contextlib.suppress(ValueError):
            text.detach()


def _xlsx_lines(handle: IO[bytes]) -> Iterator[Line]:
    from openpyxl import load_workbook

    try:
        # read_only streams rows from the sheet's XML; data_only=False keeps formulas visible
        book = load_workbook(handle, read_only=True, data_only=False)
        sheet = book.worksheets[0]
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, IndexError) as error:
        raise FileRefused(
            f"The file is not a readable Excel workbook ({error.__class__.__name__}).",
            code=Code.IMPORT_FILE_REFUSED,
        ) from None
    try:
        for number, cells in enumerate(sheet.iter_rows(), start=1):
            yield number, [(getattr(c, "data_type", None) == "f", _value(c)) for c in cells]
    except (zipfile.BadZipFile, KeyError, ValueError) as error:
        raise FileRefused(
            f"The workbook could not be read ({error.__class__.__name__}).",
            code=Code.IMPORT_FILE_REFUSED,
        ) from None
    finally:
        book.close()


def _value(cell) -> Any:
    value = getattr(cell, "value", None)
    if isinstance(value, datetime) and value.time() == datetime.min.time():
        return value.date()
    if isinstance(value, date | datetime | int | float | bool | str) or value is None:
        return value
    return str(value)
