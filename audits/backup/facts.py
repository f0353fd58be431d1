"""What a database holds, read with plain SQL so the same code reads a live connection, a
snapshot transaction or a copied SQLite file."""

from collections.abc import Callable, Sequence
from typing import Any

from django.apps import apps

Query = Callable[[str], Sequence[tuple[Any, ...]]]


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def counted_models() -> dict[str, str]:
    """Every concrete table the project's models keep, by model label."""
    tables = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.managed and not meta.proxy and not meta.swapped:
            tables[meta.label] = meta.db_table
    return dict(sorted(tables.items()))


def read_facts(query: Query, existing_tables: set[str]) -> dict[str, Any]:
    """Counts per table, the audit trail's head, the last checkpoint, the applied migrations
    and every stored evidence file with its recorded SHA-256."""
    from aims.models import Evidence
    from audits.models import ChainLink, TrailCheckpoint
    from audits.trail.chain import GENESIS

    # Table names below come from the models, quoted: no outside input reaches the SQL.
    counts = {
        label: int(query(f"SELECT COUNT(*) FROM {_q(table)}")[0][0])  # noqa: S608
        for label, table in counted_models().items()
        if table in existing_tables
    }
    link = query(
        f"SELECT position, chain_hash FROM {_q(ChainLink._meta.db_table)} "  # noqa: S608
        "ORDER BY position DESC LIMIT 1"
    )
    checkpoints = _q(TrailCheckpoint._meta.db_table)
    checkpoint = query(f"SELECT MAX(sequence) FROM {checkpoints}")  # noqa: S608
    migrations: dict[str, list[str]] = {}
    for app, name in query('SELECT app, name FROM "django_migrations" ORDER BY app, name'):
        migrations.setdefault(app, []).append(name)
    evidence = [
        {"id": int(pk), "file": name, "sha256": digest}
        for pk, name, digest in query(
            f"SELECT id, file, sha256 FROM {_q(Evidence._meta.db_table)} "  # noqa: S608
            "WHERE file <> '' ORDER BY id"
        )
    ]
    return {
        "counts": counts,
        "trail_head": {
            "length": int(link[0][0]) if link else 0,
            "hash": link[0][1] if link else GENESIS,
        },
        "last_checkpoint": int(checkpoint[0][0] or 0) if checkpoint else 0,
        "migrations": migrations,
        "evidence": evidence,
    }


def live_facts() -> dict[str, Any]:
    """The facts of the database Django is connected to now."""
    from django.db import connection

    def query(sql: str):
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchall()

    return read_facts(query, set(connection.introspection.table_names()))
