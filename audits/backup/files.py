"""The storage half of a backup: every file the storage backend holds (evidence, signed
checkpoints, packs), copied out to ``media/`` and back in through the storage API, so local
folders and object storage are handled alike."""

import hashlib
import re
from collections.abc import Iterator
from pathlib import Path

from django.core.files import File
from django.core.files.storage import default_storage

from audits.trail.checkpoints import CHECKPOINT_DIR

from . import BackupError

MEDIA_DIR = "media"
CHUNK = 1024 * 1024
_CHECKPOINT = re.compile(re.escape(CHECKPOINT_DIR) + r"/(\d+)\.json$")


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def stored_names(folder: str = "") -> Iterator[str]:
    """Every file name in the storage backend, depth first."""
    try:
        dirs, files = default_storage.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return
    for name in sorted(files):
        yield f"{folder}/{name}" if folder else name
    for name in sorted(dirs):
        yield from stored_names(f"{folder}/{name}" if folder else name)


def checkpoint_sequence(name: str) -> int | None:
    match = _CHECKPOINT.fullmatch(name)
    return int(match.group(1)) if match else None


def copy_out(folder: Path, *, last_checkpoint: int) -> dict[str, str]:
    """Copy every stored file into ``folder/media``, hashing as it goes. A checkpoint signed
    after the database snapshot is left out: the restored database would not know it."""
    hashes = {}
    for name in stored_names():
        sequence = checkpoint_sequence(name)
        if sequence is not None and sequence > last_checkpoint:
            continue
        target = folder / MEDIA_DIR / name
        target.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        with default_storage.open(name, "rb") as source, open(target, "wb") as out:
            while chunk := source.read(CHUNK):
                digest.update(chunk)
                out.write(chunk)
        hashes[name] = digest.hexdigest()
    return hashes


def copy_in(folder: Path, names: list[str], *, force: bool) -> None:
    """Put the backup's files back under their own names (a storage that renamed one on a
    clash would break the records that point at it)."""
    for name in names:
        if default_storage.exists(name):
            if not force:
                raise BackupError(f"{name} exists in the storage already.")
            default_storage.delete(name)
        with open(folder / MEDIA_DIR / name, "rb") as handle:
            saved = default_storage.save(name, File(handle, name=name))
        if saved != name:
            raise BackupError(f"The storage saved {name} as {saved}.")


def first_stored(limit: int = 5) -> list[str]:
    names = []
    for name in stored_names():
        names.append(name)
        if len(names) >= limit:
            break
    return names
