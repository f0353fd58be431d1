"""The database half of a backup: PostgreSQL through pg_dump/pg_restore, SQLite through its
online backup API (a running server may keep writing) and a file copy on restore."""

import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction

from . import BackupError
from .facts import read_facts

PG_DUMP_FILE = "database.dump"
SQLITE_FILE = "database.sqlite3"


def vendor() -> str:
    return connection.vendor


def dump_file_name(db_vendor: str) -> str:
    if db_vendor == "postgresql":
        return PG_DUMP_FILE
    if db_vendor == "sqlite":
        return SQLITE_FILE
    raise BackupError(f"Backing up a {db_vendor} database is not supported (PostgreSQL, SQLite).")


# PostgreSQL -----------------------------------------------------------------------------


def pg_tool(name: str) -> str:
    """The path of pg_dump or pg_restore: in AIMS_PG_BIN_DIR when set, else on PATH."""
    folder = getattr(settings, "AIMS_PG_BIN_DIR", "")
    found = shutil.which(name, path=folder) if folder else shutil.which(name)
    if not found:
        where = f"in AIMS_PG_BIN_DIR ({folder})" if folder else "on PATH"
        raise BackupError(
            f"{name} was not found {where}. Install the PostgreSQL client tools of the "
            f"server's major version ({server_major()}) or newer, for example "
            f"`apt-get install postgresql-client-{server_major()}`, or set AIMS_PG_BIN_DIR."
        )
    return found


def tool_major(path: str) -> int:
    try:
        out = subprocess.run(  # noqa: S603 -- the PostgreSQL client tool, our arguments
            [path, "--version"], capture_output=True, text=True, timeout=30, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError) as error:
        raise BackupError(f"{path} --version failed: {error}") from error
    match = re.search(r"\(PostgreSQL\)\s+(\d+)", out) or re.search(r"(\d+)\.\d+", out)
    if not match:
        raise BackupError(f"Cannot read the version of {path} from: {out.strip()!r}")
    return int(match.group(1))


def server_major() -> int:
    connection.ensure_connection()
    return connection.pg_version // 10000


def _checked_tool(name: str) -> str:
    """pg_dump refuses (or silently misses features of) a newer server: check first."""
    path = pg_tool(name)
    major, server = tool_major(path), server_major()
    if major < server:
        raise BackupError(
            f"{path} is version {major}, older than the PostgreSQL server ({server}). "
            f"Install postgresql-client-{server} or newer, or point AIMS_PG_BIN_DIR at it."
        )
    return path


def _pg_env_and_args() -> tuple[dict[str, str], list[str]]:
    db = connection.settings_dict
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    options = db.get("OPTIONS") or {}
    for option, variable in (("sslmode", "PGSSLMODE"), ("sslrootcert", "PGSSLROOTCERT")):
        if options.get(option):
            env[variable] = str(options[option])
    args = []
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    return env, args + ["--no-password", "--dbname", str(db["NAME"])]


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    # The PostgreSQL client tools with the configured connection: no shell, our arguments.
    done = subprocess.run(command, env=env, capture_output=True, text=True)  # noqa: S603
    if done.returncode:
        raise BackupError(f"{what} failed (exit {done.returncode}): {done.stderr.strip()}")


def _pg_dump(path: Path) -> dict[str, Any]:
    """Dump and read the facts inside one exported snapshot: they describe the dump exactly."""
    tool = _checked_tool("pg_dump")
    env, args = _pg_env_and_args()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        _run(
            [tool, "--format=custom", f"--snapshot={snapshot}", "--file", str(path), *args],
            env,
            "pg_dump",
        )

        def query(sql: str):
            cursor.execute(sql)
            return cursor.fetchall()

        facts = read_facts(query, set(connection.introspection.table_names(cursor)))
    facts["database"] = {"vendor": "postgresql", "server_major": server_major()}
    facts["database"]["dump_tool_major"] = tool_major(tool)
    return facts


def _pg_restore(path: Path, *, force: bool) -> None:
    tool = _checked_tool("pg_restore")
    env, args = _pg_env_and_args()
    extra = ["--clean", "--if-exists"] if force else []
    command = [tool, "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
    connection.close()  # nothing of ours holds a lock on the tables pg_restore writes
    _run([*command, *extra, *args, str(path)], env, "pg_restore")


# SQLite ---------------------------------------------------------------------------------


def _sqlite_path() -> Path:
    name = str(connection.settings_dict["NAME"])
    if name == ":memory:" or "mode=memory" in name:
        raise BackupError("Cannot restore into an in-memory SQLite database.")
    return Path(name)


def _sqlite_dump(path: Path) -> dict[str, Any]:
    connection.ensure_connection()
    target = sqlite3.connect(path)
    try:
        # The online backup copies a consistent snapshot page by page while others write.
        connection.connection.backup(target)
        tables = {row[0] for row in target.execute("SELECT name FROM sqlite_master")}
        facts = read_facts(lambda sql: target.execute(sql).fetchall(), tables)
    finally:
        target.close()
    facts["database"] = {"vendor": "sqlite", "sqlite_version": sqlite3.sqlite_version}
    return facts


def _sqlite_restore(path: Path) -> None:
    target = _sqlite_path()
    connection.close()
    target.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("-wal", "-shm", "-journal"):  # a leftover journal would be replayed onto it
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".restore-")
    os.close(handle)
    shutil.copyfile(path, temporary)
    os.replace(temporary, target)  # whole or not at all


# Both -----------------------------------------------------------------------------------


def dump(folder: Path) -> tuple[Path, dict[str, Any]]:
    path = folder / dump_file_name(vendor())
    facts = _pg_dump(path) if vendor() == "postgresql" else _sqlite_dump(path)
    return path, facts


def restore(path: Path, *, force: bool) -> None:
    if vendor() == "postgresql":
        _pg_restore(path, force=force)
    else:
        _sqlite_restore(path)
    connection.close()  # the next query opens the restored database


def tables_in_use() -> list[str]:
    """The target database's tables (an empty database has none)."""
    return sorted(connection.introspection.table_names())
