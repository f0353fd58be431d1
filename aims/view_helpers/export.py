"""CSV files streamed from a queryset, with spreadsheet formulas in user text neutralised.

See the package docstring (``aims.view_helpers``) for how the bases fit together.
"""

import csv
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db.models import QuerySet
from django.http import StreamingHttpResponse

#: (header, getter): one column of an export; the getter takes a row and returns its value.
Column = tuple[str, Callable[[Any], Any]]

#: A cell starting with one of these is read as a formula by spreadsheets (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: str) -> str:
    """Neutralise spreadsheet formulas in user text (CSV injection): a leading apostrophe."""
    return "'" + value if value[:1] in FORMULA_STARTS else value


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
