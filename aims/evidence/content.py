"""Does an uploaded file hold what its extension says? One predicate for every upload.

An extension is only a name: an HTML page renamed ``fake.pdf`` would otherwise be stored and
later served as evidence. Each accepted extension (``EVIDENCE_ALLOWED_EXTENSIONS``) has a check
of the bytes themselves: the signature of a PDF or an image, the parts an office document's ZIP
must hold, or UTF-8 text without NUL bytes (and, for JSON, text that parses).
"""

import json
import zipfile

FILE_CONTENT_MISMATCH = "file_content_mismatch"

_SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "gif": (b"GIF87a", b"GIF89a"),
}
# Office Open XML: a ZIP with [Content_Types].xml and the main part of its kind.
_OOXML_PARTS = {
    "docx": "word/document.xml",
    "xlsx": "xl/workbook.xml",
    "pptx": "ppt/presentation.xml",
}
# OpenDocument: a ZIP whose "mimetype" member names the kind.
_ODF_MIMETYPES = {
    "odt": b"application/vnd.oasis.opendocument.text",
    "ods": b"application/vnd.oasis.opendocument.spreadsheet",
}
_TEXT = {"txt", "csv", "md", "json"}
_KIND_WORDS = {
    "pdf": "a PDF document",
    "png": "a PNG image",
    "jpg": "a JPEG image",
    "jpeg": "a JPEG image",
    "gif": "a GIF image",
    "docx": "a Word document",
    "xlsx": "an Excel workbook",
    "pptx": "a PowerPoint presentation",
    "odt": "an OpenDocument text",
    "ods": "an OpenDocument spreadsheet",
    "txt": "UTF-8 text",
    "csv": "UTF-8 text (CSV)",
    "md": "UTF-8 text (Markdown)",
    "json": "UTF-8 JSON",
}


def _read_all(uploaded) -> bytes:
    uploaded.seek(0)
    data = b"".join(uploaded.chunks()) if hasattr(uploaded, "chunks") else uploaded.read()
    uploaded.seek(0)
    return data


def _zip_ok(uploaded, extension: str) -> bool:
    uploaded.seek(0)
    try:
        with zipfile.ZipFile(uploaded) as archive:
            names = set(archive.namelist())
            if extension in _OOXML_PARTS:
                return "[Content_Types].xml" in names and _OOXML_PARTS[extension] in names
            return (
                "mimetype" in names
                and archive.read("mimetype").strip() == (_ODF_MIMETYPES[extension])
            )
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, EOFError):
        return False
    finally:
        uploaded.seek(0)


def _text_ok(data: bytes, extension: str) -> bool:
    if b"\x00" in data:
        return False
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    if extension == "json":
        try:
            json.loads(text)
        except ValueError:
            return False
    return True


def content_matches_extension(uploaded, extension: str) -> bool:
    """True when the bytes of ``uploaded`` are of the kind its (lower-case) extension names.
    An extension with no known check is refused: accepting a new one means adding its check."""
    extension = extension.lower().lstrip(".")
    if extension in _SIGNATURES:
        uploaded.seek(0)
        head = uploaded.read(16)
        uploaded.seek(0)
        return head.startswith(_SIGNATURES[extension])
    if extension in _OOXML_PARTS or extension in _ODF_MIMETYPES:
        return _zip_ok(uploaded, extension)
    if extension in _TEXT:
        return _text_ok(_read_all(uploaded), extension)
    return False


def file_content_refusal(uploaded, extension: str) -> str | None:
    """Why ``uploaded`` is refused for what it holds (a sentence for the file field), or None."""
    if content_matches_extension(uploaded, extension):
        return None
    expected = _KIND_WORDS.get(extension.lower().lstrip("."), f"a .{extension} file")
    return (
        f"The file's content does not match its extension: a .{extension} file must be "
        f"{expected}. Upload the document itself, with the extension of its real type."
    )
