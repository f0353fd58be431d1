"""Template files of a kind (CSV and XLSX): its columns, in the export's order, and one
example row. The same writers as the exports, so a template is shaped like an export."""

from django.http import FileResponse, StreamingHttpResponse

from aims.view_helpers.export import csv_response, xlsx_response

from .kinds import Kind


def template_response(kind: Kind, file_format: str) -> FileResponse | StreamingHttpResponse:
    columns = [(c.heading, lambda row, h=c.heading: row.get(h, "")) for c in kind.columns]
    rows = [kind.example] if kind.example else []
    name = f"import-{kind.name}-template"
    if file_format == "xlsx":
        return xlsx_response(rows, columns, f"{name}.xlsx", title=kind.label)
    return csv_response(rows, columns, f"{name}.csv")
