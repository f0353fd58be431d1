"""Backup and restore: a backup restored into an empty database and an empty storage gives the
same records, an intact audit trail and evidence files that match their SHA-256; a non-empty
target is refused with nothing changed; a tampered file, dump or manifest is found and named.

Run on the suite's database (SQLite by default, PostgreSQL with DATABASE_URL). The restore
runs as an operator runs it, ``manage.py restore`` in its own process, into a database made
for the test (a new SQLite file, or a new PostgreSQL database dropped afterwards).
"""

import hashlib
import io
import json
import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from aims.evidence.services import evidence_create
from aims.models import Evidence
from audits.backup.facts import live_facts, read_facts
from audits.backup.files import copy_out
from audits.backup.manifest import _payload
from audits.trail import signing
from audits.trail.checkpoints import create_checkpoint, file_name
from inventory import services

from ..factories import make_system

ROOT = Path(__file__).resolve().parents[2]
# Data must be committed for pg_dump to see it; serialized_rollback puts back the migrated
# rows (role groups, content types) the flush removes.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _postgres_only():
    if connection.vendor == "postgresql":
        return
    if os.environ.get("AIMS_REQUIRE_SERVICES"):
        pytest.fail("AIMS_REQUIRE_SERVICES is set but the database is not PostgreSQL")
    pytest.skip("PostgreSQL only: set DATABASE_URL to a PostgreSQL database")


@pytest.fixture
def organisation(owner, officer):
    """Records with history, three evidence files and a signed checkpoint."""
    systems = [make_system(owner, name=f"Backup system {n}") for n in range(2)]
    services.system_transition(actor=officer, system=systems[0], action="start_triage")
    evidence = [
        evidence_create(
            actor=owner,
            target=systems[n % 2],
            title=f"Test report {n}",
            file=ContentFile(f"report {n}\n".encode() * 50, name=f"report-{n}.txt"),
        )
        for n in range(3)
    ]
    create_checkpoint()
    return evidence


@pytest.fixture
def backup(organisation, tmp_path) -> Path:
    folder = tmp_path / "backup"
    call_command("backup", str(folder), stdout=io.StringIO())
    return folder


class Target:
    """An empty database and an empty storage to restore into, reached as another process."""

    def __init__(self, tmp_path: Path):
        self.media = tmp_path / "restored-media"
        self.pg_name = ""
        if connection.vendor == "postgresql":
            db = connection.settings_dict
            self.pg_name = f"aims_bk_restore_{uuid.uuid4().hex[:10]}"
            self._admin(f'CREATE DATABASE "{self.pg_name}"')
            auth = f"{db['USER']}:{db['PASSWORD']}@" if db["PASSWORD"] else f"{db['USER']}@"
            self.url = f"postgres://{auth}{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/"
            self.url += self.pg_name
        else:
            self.sqlite = tmp_path / "restored.sqlite3"
            self.url = f"sqlite:///{self.sqlite}"

    def _admin(self, sql: str) -> None:
        import psycopg

        db = connection.settings_dict
        with psycopg.connect(
            dbname="postgres",
            host=db["HOST"] or None,
            port=db["PORT"] or None,
            user=db["USER"] or None,
            password=db["PASSWORD"] or None,
            autocommit=True,
        ) as admin:
            admin.execute(sql)

    def drop(self) -> None:
        if self.pg_name:
            self._admin(f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)')

    def manage(self, *args: str) -> subprocess.CompletedProcess:
        env = {**os.environ, "DATABASE_URL": self.url, "MEDIA_ROOT": str(self.media)}
        # The same organisation key, as a real restore configures it.
        if settings.AUDIT_TRAIL_SIGNING_KEY:
            env["AUDIT_TRAIL_SIGNING_KEY"] = settings.AUDIT_TRAIL_SIGNING_KEY
        else:
            env["AUDIT_TRAIL_SIGNING_KEY_FILE"] = str(signing._key_file())
        env.pop("CELERY_BROKER_URL", None)
        return subprocess.run(  # noqa: S603 -- manage.py of this checkout, our arguments
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )

    def _pg(self):
        import psycopg

        db = connection.settings_dict
        return psycopg.connect(
            dbname=self.pg_name,
            host=db["HOST"] or None,
            port=db["PORT"] or None,
            user=db["USER"] or None,
            password=db["PASSWORD"] or None,
        )

    def facts_tables(self) -> list[str]:
        with self._pg() as conn:
            query = "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            return [row[0] for row in conn.execute(query)]

    def facts(self) -> dict:
        """The restored database's rows per table, chain head and evidence, read directly."""
        if self.pg_name:
            with self._pg() as conn:
                tables = set(self.facts_tables())
                return read_facts(lambda sql: conn.execute(sql).fetchall(), tables)
        with sqlite3.connect(self.sqlite) as conn:
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
            return read_facts(lambda sql: conn.execute(sql).fetchall(), tables)

    def tables(self) -> list[str]:
        if self.pg_name:
            return self.facts_tables()
        if not self.sqlite.exists():
            return []
        with sqlite3.connect(self.sqlite) as conn:
            return [row[0] for row in conn.execute("SELECT name FROM sqlite_master")]

    def stored_files(self) -> list[str]:
        if not self.media.exists():
            return []
        return sorted(p.relative_to(self.media).as_posix() for p in self.media.rglob("*"))


@pytest.fixture
def target(tmp_path):
    made = Target(tmp_path)
    yield made
    made.drop()


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def resign(folder: Path, manifest: dict) -> None:
    """Rewrite the manifest as someone holding the organisation's key could."""
    manifest["signature"] = {"key_id": signing.key_id(), "value": signing.sign(_payload(manifest))}
    (folder / "manifest.json").write_text(json.dumps(manifest))


def test_restore_into_empty_database_and_storage_gives_the_same_verified_records(backup, target):
    source = live_facts()
    evidence = list(Evidence.objects.exclude(file=""))
    assert len(evidence) == 3 and source["trail_head"]["length"] > 0

    done = target.manage("restore", str(backup))

    assert done.returncode == 0, done.stdout + done.stderr
    assert "Audit trail:" in done.stdout and "intact" in done.stdout
    assert "Evidence files checked: 3" in done.stdout
    assert "Restore verified." in done.stdout
    restored = target.facts()
    assert restored["counts"] == source["counts"]
    assert restored["trail_head"] == source["trail_head"]
    assert restored["evidence"] == source["evidence"]
    for item in evidence:  # the restored files themselves, hashed here
        assert sha256(target.media / item.file.name) == item.sha256
    assert "audit-trail/checkpoints/0000000001.json" in target.stored_files()
    # And the audit-trail verifier on its own says the same of the restored database.
    trail = target.manage("verify_audit_trail", "--json")
    assert trail.returncode == 0, trail.stdout + trail.stderr
    result = json.loads(trail.stdout)
    assert result["ok"] and result["head"]["length"] == source["trail_head"]["length"]
    assert result["checkpoints"]["count"] == 1


def test_manifest_describes_the_backup(backup):
    manifest = json.loads((backup / "manifest.json").read_text())
    facts = live_facts()
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["database"]["sha256"] == sha256(backup / manifest["database"]["file"])
    assert manifest["counts"] == facts["counts"]
    assert manifest["counts"]["aims.Evidence"] == 3
    assert manifest["trail_head"] == facts["trail_head"]
    assert "audits" in manifest["migrations"] and manifest["app_version"]
    for item in Evidence.objects.exclude(file=""):
        assert manifest["files"][item.file.name] == item.sha256
        assert sha256(backup / "media" / item.file.name) == item.sha256
    assert manifest["signature"]["key_id"] == signing.key_id()
    call_command("verify_backup", str(backup), stdout=io.StringIO())


def test_backup_refuses_a_non_empty_folder_unless_told(organisation, tmp_path):
    folder = tmp_path / "used"
    folder.mkdir()
    (folder / "notes.txt").write_text("keep me")
    with pytest.raises(CommandError, match="not empty"):
        call_command("backup", str(folder))
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]
    call_command("backup", str(folder), "--overwrite", stdout=io.StringIO())
    assert (folder / "manifest.json").is_file()


def test_restore_into_a_non_empty_database_is_refused_and_changes_nothing(backup, tmp_path):
    """The suite's own database holds the organisation: restoring over it is refused."""
    before = live_facts()
    media = Path(settings.MEDIA_ROOT)
    files_before = {p: p.read_bytes() for p in media.rglob("*") if p.is_file()}

    with pytest.raises(CommandError) as refused:
        call_command("restore", str(backup))

    message = str(refused.value)
    assert "empty database" in message and "--force" in message
    assert "tables" in message and "storage holds files" in message
    assert live_facts() == before
    assert {p: p.read_bytes() for p in media.rglob("*") if p.is_file()} == files_before


def test_restore_into_an_empty_database_with_files_in_storage_is_refused_unless_forced(
    backup, target
):
    (target.media / "evidence").mkdir(parents=True)
    (target.media / "evidence" / "left-over.txt").write_text("someone else's file")

    done = target.manage("restore", str(backup))

    assert done.returncode != 0
    assert "storage holds files (evidence/left-over.txt" in done.stderr
    assert target.stored_files() == ["evidence", "evidence/left-over.txt"]
    assert not target.tables(), "no table was created"

    # Told to, it restores over them, and proves the result as ever.
    done = target.manage("restore", "--force", str(backup))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Restore verified." in done.stdout
    assert target.facts()["counts"] == live_facts()["counts"]


def test_a_checkpoint_signed_after_the_snapshot_is_left_out(tmp_path):
    """Its row is not in the dump: restored, the file alone would read as a database cut."""
    for sequence in (1, 2):
        default_storage.save(file_name(sequence), ContentFile(b"{}"))
    default_storage.save("evidence/ab/other.txt", ContentFile(b"kept"))

    folder = tmp_path / "backup"
    copied = copy_out(folder, last_checkpoint=1)

    assert sorted(copied) == [file_name(1), "evidence/ab/other.txt"]
    assert (folder / "media" / file_name(1)).is_file()
    assert not (folder / "media" / file_name(2)).exists()


def test_a_tampered_evidence_file_in_the_backup_is_named_and_nothing_is_restored(backup, target):
    name = Evidence.objects.exclude(file="").order_by("pk")[1].file.name
    (backup / "media" / name).write_bytes(b"a forged report\n")

    check = subprocess.run(  # noqa: S603 -- verify_backup needs no database of its own
        [sys.executable, "manage.py", "verify_backup", str(backup)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, **target_key_env()},
    )
    assert check.returncode == 1
    assert f"media/{name}: SHA-256 differs from the manifest" in check.stdout

    done = target.manage("restore", str(backup))
    assert done.returncode != 0
    assert f"media/{name}: SHA-256 differs from the manifest" in done.stderr
    assert "nothing was restored" in done.stderr
    assert target.stored_files() == [] and not target.tables()


def target_key_env() -> dict[str, str]:
    if settings.AUDIT_TRAIL_SIGNING_KEY:
        return {"AUDIT_TRAIL_SIGNING_KEY": settings.AUDIT_TRAIL_SIGNING_KEY}
    return {"AUDIT_TRAIL_SIGNING_KEY_FILE": str(signing._key_file())}


def test_a_file_forged_with_its_manifest_is_caught_by_the_evidence_record(backup, target):
    """Someone holding the key forges a file and rewrites the manifest to match: the restored
    evidence record's own SHA-256 still names the file, and the restore fails."""
    item = Evidence.objects.exclude(file="").order_by("pk")[0]
    forged = b"a forged report\n"
    (backup / "media" / item.file.name).write_bytes(forged)
    manifest = json.loads((backup / "manifest.json").read_text())
    digest = hashlib.sha256(forged).hexdigest()
    manifest["files"][item.file.name] = digest
    for entry in manifest["evidence"]:
        if entry["id"] == item.pk:
            entry["sha256"] = digest
    resign(backup, manifest)

    done = target.manage("restore", str(backup))

    assert done.returncode == 1, done.stdout + done.stderr
    assert f"{item.reference}: {item.file.name} does not match its recorded SHA-256" in (
        done.stdout
    )
    assert "Restore NOT verified: 1 problems." in done.stdout


def test_a_tampered_dump_is_refused_before_anything_is_restored(backup, target):
    manifest = json.loads((backup / "manifest.json").read_text())
    dump = backup / manifest["database"]["file"]
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 0xFF
    dump.write_bytes(bytes(data))

    done = target.manage("restore", str(backup))

    assert done.returncode != 0
    assert f"{dump.name}: SHA-256 differs from the manifest" in done.stderr
    assert target.stored_files() == [] and not target.tables()


def test_a_tampered_manifest_is_refused(backup):
    manifest = json.loads((backup / "manifest.json").read_text())
    manifest["counts"]["aims.Evidence"] = 2  # hide a record
    (backup / "manifest.json").write_text(json.dumps(manifest))

    with pytest.raises(SystemExit) as failed:
        call_command("verify_backup", str(backup), stdout=io.StringIO())
    assert failed.value.code == 1
    with pytest.raises(CommandError, match="manifest.json was altered"):
        call_command("restore", str(backup))


def test_a_missing_pg_dump_is_a_clear_error(organisation, tmp_path, settings):
    _postgres_only()
    settings.AIMS_PG_BIN_DIR = str(tmp_path)  # an empty folder: no pg_dump in it
    with pytest.raises(CommandError, match=r"pg_dump was not found in AIMS_PG_BIN_DIR"):
        call_command("backup", str(tmp_path / "backup"))


def test_a_pg_dump_older_than_the_server_is_refused(organisation, tmp_path, settings):
    _postgres_only()
    old = tmp_path / "pg_dump"
    old.write_text("#!/bin/sh\necho 'pg_dump (PostgreSQL) 9.6.24'\n")
    old.chmod(0o755)
    settings.AIMS_PG_BIN_DIR = str(tmp_path)
    with pytest.raises(CommandError, match=r"version 9, older than the PostgreSQL server"):
        call_command("backup", str(tmp_path / "backup"))
    assert not (tmp_path / "backup" / "manifest.json").exists()
