"""Backing up and restoring an AIMS: the database, the storage's files and a signed manifest.

A backup folder holds ``manifest.json``, the database (``database.dump`` made by ``pg_dump
-Fc``, or ``database.sqlite3`` made by SQLite's online backup) and ``media/`` (every file in
the storage backend). The manifest records what the backup must contain: the migrations
applied, the rows per table, the audit trail's head, and the SHA-256 of the database file
and of every stored file, signed with the organisation's audit-trail key. The facts are read
from the same snapshot the database file holds, so they agree with it exactly even while the
application keeps running.

Restoring goes into an empty database and an empty storage only, and ends by proving the
result: the audit trail verifies, every evidence file matches the SHA-256 its record holds,
and the counts and the chain's head equal the manifest's.
"""


class BackupError(Exception):
    """A backup or restore refused or failed for a reason the operator can act on."""
