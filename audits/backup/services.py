"""Backup, restore and their checks, as the management commands call them."""

import hashlib
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection
from django.db.migrations.loader import MigrationLoader

from . import BackupError, database, files, manifest
from .facts import live_facts


def _prepare(folder: Path, *, overwrite: bool) -> None:
    if folder.exists() and not folder.is_dir():
        raise BackupError(f"{folder} is not a folder.")
    if folder.is_dir() and any(folder.iterdir()) and not overwrite:
        raise BackupError(
            f"{folder} is not empty: choose an empty folder, or pass --overwrite to replace "
            "the backup in it."
        )
    folder.mkdir(parents=True, exist_ok=True)
    for name in (manifest.MANIFEST, database.PG_DUMP_FILE, database.SQLITE_FILE):
        (folder / name).unlink(missing_ok=True)
    if (folder / files.MEDIA_DIR).exists():
        shutil.rmtree(folder / files.MEDIA_DIR)


def backup_create(*, folder: Path, overwrite: bool = False) -> dict[str, Any]:
    """Database first, then the files: evidence files are written before their rows commit
    and never change, so every row in the snapshot finds its file in the copy."""
    _prepare(folder, overwrite=overwrite)
    dump_path, facts = database.dump(folder)
    hashes = files.copy_out(folder, last_checkpoint=facts["last_checkpoint"])
    made = manifest.build(facts, dump_path.name, files.sha256_of(dump_path), hashes)
    manifest.write(folder, made)  # written last: a folder without it is no backup
    return made


def verify_backup(*, folder: Path) -> manifest.Check:
    made = manifest.load(folder)
    check = manifest.check_folder(folder, made)
    _check_migrations(made, check)
    return check


def _check_migrations(made: dict[str, Any], check: manifest.Check) -> None:
    """A backup from a newer version than this code cannot be restored by it."""
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    recorded = {(app, name) for app, names in made["migrations"].items() for name in names}
    ours = {app for app, _ in known}
    unknown = sorted(f"{app}.{name}" for app, name in recorded - known if app in ours)
    if unknown:
        check.problems.append(
            "The backup has migrations this code does not know (made by a newer version?): "
            + ", ".join(unknown[:10])
        )
    missing = known - recorded
    if missing:
        check.notes.append(
            f"This code has {len(missing)} migrations the backup lacks: run `manage.py "
            "migrate` after restoring."
        )


@dataclass
class Restored:
    manifest: dict[str, Any]
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    trail: Any = None
    evidence_checked: int = 0
    files_restored: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def _refuse_non_empty_target(*, force: bool) -> None:
    tables = database.tables_in_use()
    stored = files.first_stored()
    if force or not (tables or stored):
        return
    reasons = []
    if tables:
        reasons.append(
            f"the database {connection.settings_dict['NAME']} has {len(tables)} "
            f"tables ({', '.join(tables[:3])}, ...)"
        )
    if stored:
        reasons.append(f"the storage holds files ({', '.join(stored[:3])}, ...)")
    raise BackupError(
        "Restore goes into an empty database and an empty storage only, and "
        + " and ".join(reasons)
        + ". Create an empty database and storage, or pass --force to overwrite them."
    )


def backup_restore(*, folder: Path, force: bool = False) -> Restored:
    """Check the backup against its manifest, refuse a non-empty target, restore the
    database, then the files, then prove the result. Nothing is written before the checks
    pass."""
    check = verify_backup(folder=folder)
    if not check.ok:
        raise BackupError(
            "The backup does not match its manifest; nothing was restored:\n- "
            + "\n- ".join(check.problems)
        )
    made = manifest.load(folder)
    recorded = made["database"]["vendor"]
    if recorded != database.vendor():
        raise BackupError(
            f"The backup holds a {recorded} database; the configured database is "
            f"{database.vendor()}."
        )
    _refuse_non_empty_target(force=force)
    database.restore(folder / made["database"]["file"], force=force)
    names = sorted(made["files"])
    files.copy_in(folder, names, force=force)
    result = verify_restored(made)
    result.files_restored = len(names)
    result.notes = check.notes + result.notes
    return result


def _evidence_problems(result: Restored) -> None:
    """Every evidence file in storage hashes to the SHA-256 its record holds."""
    from django.core.files.storage import default_storage

    from aims.models import Evidence

    for evidence in Evidence.objects.exclude(file="").order_by("pk").iterator():
        name = evidence.file.name
        result.evidence_checked += 1
        if not default_storage.exists(name):
            result.problems.append(f"{evidence.reference}: {name} is missing from the storage.")
            continue
        digest = hashlib.sha256()
        with default_storage.open(name, "rb") as handle:
            while chunk := handle.read(files.CHUNK):
                digest.update(chunk)
        if digest.hexdigest() != evidence.sha256:
            result.problems.append(
                f"{evidence.reference}: {name} does not match its recorded SHA-256 "
                f"({digest.hexdigest()} instead of {evidence.sha256})."
            )


def verify_restored(made: dict[str, Any]) -> Restored:
    """The restored database and storage against the manifest and against themselves."""
    from audits.trail.verify import verify_chain

    result = Restored(manifest=made)
    result.trail = verify_chain()
    if not result.trail.ok:
        result.problems += [f"audit trail [{p.kind}] {p}" for p in result.trail.problems[:20]] + [
            f"audit trail: {result.trail.problem_count} problems in all"
        ]
    _evidence_problems(result)
    facts = live_facts()
    if facts["trail_head"] != made["trail_head"]:
        result.problems.append(
            f"The restored chain's head {facts['trail_head']} is not the backup's "
            f"{made['trail_head']}."
        )
    for label, count in sorted(made["counts"].items()):
        restored = facts["counts"].get(label)
        if restored != count:
            result.problems.append(f"{label}: {restored} rows restored, {count} backed up.")
    return result
