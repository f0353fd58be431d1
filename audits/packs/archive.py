"""The ZIP of an evidence pack: the PDF, every current evidence file in scope, a CSV
manifest, the public key, the standalone verifier and a signed manifest."""

import csv
import hashlib
import io
import tempfile
import zipfile
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from aims.models import Evidence

from ..models import EvidencePack
from ..trail import signing
from ..trail.sealed_pack import VERIFIER_NAME, signed_manifest, verifier_source


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_sha256(handle) -> str:
    """SHA-256 of an open file, read in blocks from its start (and rewound after)."""
    digest = hashlib.sha256()
    handle.seek(0)
    while block := handle.read(1024 * 1024):
        digest.update(block)
    handle.seek(0)
    return digest.hexdigest()


def build_zip(pack: EvidencePack, pdf: bytes, evidence: Iterable[Evidence],
              superseded: Iterable[Evidence] = (), trail: dict | None = None,
              ) -> tempfile.SpooledTemporaryFile:  # fmt: skip
    """The PDF, every current evidence file in scope, a CSV manifest, the public key, the
    standalone verifier and a signed manifest (manifest.json + manifest.sig) naming every
    file with its SHA-256; superseded versions and links are listed as entries.

    Files are streamed into a temporary file (spilled to disk past 32 MiB), so the evidence
    never sits in memory all at once. Returns the file, positioned at its start.
    """
    out = tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024)  # noqa: SIM115 -- returned
    manifest = [{"path": f"{pack.reference}.pdf", "sha256": sha256(pdf), "bytes": len(pdf),
                 "kind": "evidence pack", "reference": pack.reference}]  # fmt: skip
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(manifest[0]["path"], pdf)
        for item in evidence:
            if item.kind == Evidence.Kind.LINK:
                manifest.append({"path": "", "sha256": "", "bytes": 0, "kind": "link",
                                 "reference": item.reference, "url": item.url,
                                 "version": item.version,
                                 "attached_to": _attached_to(item)})  # fmt: skip
                continue
            path = f"evidence/{item.reference}-{item.original_filename}"
            digest, size = _copy_into(archive, path, item)
            manifest.append({"path": path, "sha256": digest, "bytes": size,
                             "kind": "evidence file", "reference": item.reference,
                             "recorded_sha256": item.sha256, "version": item.version,
                             "attached_to": _attached_to(item)})  # fmt: skip
        for item in superseded:
            newer = item.replaced_by_in_pack
            manifest.append({"path": "", "sha256": "", "bytes": 0, "kind": "superseded version",
                             "reference": item.reference, "recorded_sha256": item.sha256,
                             "url": item.url, "version": item.version,
                             "replaced_by": newer.reference if newer else "",
                             "attached_to": _attached_to(item)})  # fmt: skip
        extras = {
            "manifest.csv": (_manifest_csv(manifest).encode(), "manifest (CSV)"),
            "public_key.pem": (signing.public_key_pem().encode(), "public key"),
            VERIFIER_NAME: (verifier_source(), "standalone verifier"),
        }
        for path, (data, kind) in extras.items():
            archive.writestr(path, data)
            manifest.append({"path": path, "sha256": sha256(data), "bytes": len(data),
                             "kind": kind, "reference": ""})  # fmt: skip
        files = [row for row in manifest if row["path"]]
        entries = [row for row in manifest if not row["path"]]
        body, signature = signed_manifest(pack.reference, files, entries, trail or {},
                                          timezone.now().isoformat())  # fmt: skip
        archive.writestr("manifest.json", body)
        archive.writestr("manifest.sig", signature)
    out.seek(0)
    return out


def _copy_into(archive: zipfile.ZipFile, path: str, item: Evidence) -> tuple[str, int]:
    """Stream one stored file into the archive; returns the SHA-256 and size of what was
    packed."""
    digest, size = hashlib.sha256(), 0
    with item.file.open("rb") as source, archive.open(path, "w", force_zip64=True) as target:
        while block := source.read(1024 * 1024):
            digest.update(block)
            size += len(block)
            target.write(block)
    return digest.hexdigest(), size


def _attached_to(item: Evidence) -> str:
    """The record an evidence item proves, e.g. ``risk RSK-0012``."""
    return f"{item.target_type.name} {getattr(item, 'target_label', '') or item.target_id}"


def _manifest_csv(manifest: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    columns = ["path", "sha256", "bytes", "kind", "reference", "recorded_sha256", "url",
               "version", "replaced_by", "attached_to"]  # fmt: skip
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    for row in manifest:
        writer.writerow(row)
    return out.getvalue()
