"""Files and records saved as one unit: a record is never kept without its file, and a file
is never left behind by a record that was not kept.

Storage has no transactions, so the unit is made by hand: files are saved first (the storage
writes each under its final name only once it has all of it: object storage by nature, the
file system through Django's temporary upload files), the database write follows, and when
anything in the block fails, the files it stored are deleted again."""

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.core.exceptions import SuspiciousOperation
from django.db.models.fields.files import FieldFile

from aims.errors import Code, ServiceUnavailable

logger = logging.getLogger(__name__)

STORAGE_FAILED = (
    "The file could not be stored (the file storage is unavailable); nothing was saved. "
    "Try again in a moment."
)

Store = Callable[[FieldFile, str, object], str]


@contextmanager
def stored_as_one_unit() -> Iterator[Store]:
    """Yield ``store(field_file, name, content)``, which saves ``content`` into the field
    (without saving the record) and returns the stored name. A storage failure is raised as
    :class:`ServiceUnavailable` (code ``storage_unavailable``); any failure in the block
    (storage, database, a rule) deletes the files stored so far. Put the block's transaction
    inside it, so a failed commit is caught too."""
    stored: list[tuple[object, str]] = []

    def store(field_file: FieldFile, name: str, content) -> str:
        try:
            field_file.save(name, content, save=False)
        except SuspiciousOperation:
            raise
        except Exception as exc:  # noqa: BLE001 -- OSError, an object store's client errors
            logger.exception("Storage refused %s", name)
            raise ServiceUnavailable(STORAGE_FAILED, code=Code.STORAGE_UNAVAILABLE) from exc
        stored.append((field_file.storage, field_file.name))
        return field_file.name

    try:
        yield store
    except BaseException:
        for storage, name in stored:
            try:
                storage.delete(name)
            except Exception:  # noqa: BLE001 -- left behind, said in the log
                logger.exception("Could not remove %s after a failed save", name)
        raise
