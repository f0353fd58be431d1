"""The backup's manifest: what the backup must contain, signed with the audit-trail key so
an edited manifest is found as surely as an edited file."""

import json
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from django.utils import timezone

from audits.trail import signing

from . import BackupError
from .files import MEDIA_DIR, sha256_of

MANIFEST = "manifest.json"
FORMAT = 1


def app_version() -> str:
    try:
        return version("aims")
    except PackageNotFoundError:
        return "unknown"


def _payload(manifest: dict[str, Any]) -> bytes:
    body = {key: value for key, value in manifest.items() if key != "signature"}
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode()


def build(
    facts: dict[str, Any], dump_name: str, dump_sha256: str, files: dict[str, str]
) -> dict[str, Any]:
    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "app_version": app_version(),
        "database": {**facts["database"], "file": dump_name, "sha256": dump_sha256},
        "migrations": facts["migrations"],
        "counts": facts["counts"],
        "trail_head": facts["trail_head"],
        "last_checkpoint": facts["last_checkpoint"],
        "evidence": facts["evidence"],
        "files": files,
    }
    problem = signing.configuration_problem()
    manifest["signature"] = (
        {"key_id": signing.key_id(), "value": signing.sign(_payload(manifest))}
        if not problem
        else {"unsigned": problem}
    )
    return manifest


def write(folder: Path, manifest: dict[str, Any]) -> Path:
    path = folder / MANIFEST
    path.write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    return path


def load(folder: Path) -> dict[str, Any]:
    path = folder / MANIFEST
    if not path.is_file():
        raise BackupError(f"{path} is missing: {folder} is not a backup made by `backup`.")
    try:
        manifest = json.loads(path.read_text())
    except ValueError as error:
        raise BackupError(f"{path} is not valid JSON: {error}") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is not a manifest of format {FORMAT}.")
    return manifest


@dataclass
class Check:
    """Problems found comparing a backup folder with its manifest."""

    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    files_checked: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def _check_signature(manifest: dict[str, Any], check: Check) -> None:
    signature = manifest.get("signature") or {}
    if "unsigned" in signature:
        check.notes.append(f"The manifest is not signed ({signature['unsigned']}).")
        return
    problem = signing.configuration_problem()
    if problem:
        check.problems.append(f"Cannot check the manifest's signature: {problem}")
        return
    if signature.get("key_id") != signing.key_id():
        check.problems.append(
            f"The manifest was signed with key {signature.get('key_id')}, not with the "
            f"configured audit-trail key {signing.key_id()}: configure the organisation's "
            "key (AUDIT_TRAIL_SIGNING_KEY or AUDIT_TRAIL_SIGNING_KEY_FILE) first; the "
            "restored audit trail's checkpoints are signed with it too."
        )
    elif not signing.signature_valid(_payload(manifest), str(signature.get("value", ""))):
        check.problems.append("manifest.json was altered after the backup signed it.")


def check_folder(folder: Path, manifest: dict[str, Any]) -> Check:
    """The signature, the database file's and every stored file's SHA-256, and no file the
    manifest does not name; each problem names its file."""
    check = Check()
    _check_signature(manifest, check)
    database = manifest.get("database") or {}
    dump = folder / str(database.get("file", ""))
    if not database.get("file") or not dump.is_file():
        check.problems.append(f"The database file {database.get('file')} is missing.")
    elif sha256_of(dump) != database.get("sha256"):
        check.problems.append(f"{database['file']}: SHA-256 differs from the manifest.")
    files: dict[str, str] = manifest.get("files") or {}
    media = folder / MEDIA_DIR
    for name, digest in sorted(files.items()):
        path = media / name
        if not path.is_file():
            check.problems.append(f"{MEDIA_DIR}/{name}: missing from the backup.")
        elif sha256_of(path) != digest:
            check.problems.append(f"{MEDIA_DIR}/{name}: SHA-256 differs from the manifest.")
        check.files_checked += 1
    if media.is_dir():
        for path in sorted(p for p in media.rglob("*") if p.is_file()):
            name = path.relative_to(media).as_posix()
            if name not in files:
                check.problems.append(f"{MEDIA_DIR}/{name}: not named in the manifest.")
    for item in manifest.get("evidence") or []:
        if files.get(item["file"]) not in (None, item["sha256"]):
            check.problems.append(
                f"{MEDIA_DIR}/{item['file']}: SHA-256 differs from evidence {item['id']}'s record."
            )
        elif item["file"] not in files:
            check.problems.append(f"{MEDIA_DIR}/{item['file']}: evidence {item['id']} has no file.")
    return check
