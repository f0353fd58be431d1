"""Imports from spreadsheets (CSV and XLSX): an import job is uploaded, previewed (nothing
written) and committed (all rows or none), each row through the same service as a form.

- ``models``: the import job (history-tracked; keeps the file and its SHA-256).
- ``reading``: the file read as rows of text, refusing what cannot be trusted (formula cells,
  bad encoding, too many rows, a sheet of blank rows), streaming (memory flat in file size).
- ``kinds``: what can be imported; each app owns its columns and rows (``inventory.imports``).
- ``services``: upload, preview and commit; ``selectors``: who sees which jobs.
"""
