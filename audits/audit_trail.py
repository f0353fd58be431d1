"""The verifiable audit trail: every history row is sealed into a SHA-256 hash chain as it
is written, and the verifier recomputes the chain from the rows as they are now.

Row content is fingerprinted from the historical model's concrete fields, so a change to any
value (who, when, why, what) of a sealed row is detected, as is a deleted row or link.
"""

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db import connection, transaction
from django.db.models import Model
from simple_history.models import HistoricalChanges

from .models import ChainHead, ChainLink

GENESIS = "0" * 64


def historical_models(*, migrated_only: bool = False) -> list[type[Model]]:
    models = [m for m in apps.get_models() if issubclass(m, HistoricalChanges)]
    if migrated_only:  # an app whose migrations have not run yet has nothing to check
        existing = set(connection.introspection.table_names())
        models = [m for m in models if m._meta.db_table in existing]
    return models


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal | bytes | memoryview):
        return str(bytes(value) if isinstance(value, memoryview) else value)
    return value


def row_hash(row: Model) -> str:
    content = {f.attname: _plain(getattr(row, f.attname)) for f in row._meta.concrete_fields}
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def link_hash(prev_hash: str, row_digest: str) -> str:
    return hashlib.sha256((prev_hash + row_digest).encode()).hexdigest()


def _head() -> ChainHead:
    head = ChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        ChainHead.objects.get_or_create(pk=1)
        head = ChainHead.objects.select_for_update().get(pk=1)
    return head


def seal_rows(rows: list[Model]) -> int:
    """Append links for ``rows`` (historical rows, in the order they happened)."""
    if not rows:
        return 0
    with transaction.atomic():
        head = _head()
        links = []
        for row in rows:
            digest = row_hash(row)
            chained = link_hash(head.last_hash, digest)
            links.append(
                ChainLink(
                    table=row._meta.label,
                    history_id=row.pk,
                    row_hash=digest,
                    prev_hash=head.last_hash,
                    chain_hash=chained,
                )
            )
            head.last_hash, head.length = chained, head.length + 1
        ChainLink.objects.bulk_create(links)
        head.save(update_fields=["last_hash", "length"])
    return len(links)


def seal_on_create(sender, history_instance, **kwargs) -> None:
    """Signal receiver: seal each history row in the transaction that writes it."""
    seal_rows([history_instance])


def seal_unsealed() -> int:
    """Seal history rows written without signals (bulk loads), oldest first."""
    pending: list[Model] = []
    for model in historical_models(migrated_only=True):
        sealed = ChainLink.objects.filter(table=model._meta.label).values("history_id")
        pending += list(model.objects.exclude(pk__in=sealed))
    pending.sort(key=lambda r: (r.history_date, r._meta.label, r.pk))
    return seal_rows(pending)


@dataclass
class Verification:
    ok: bool = True
    checked: int = 0
    unsealed: int = 0
    first_broken: dict[str, Any] | None = None
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "checked": self.checked,
            "unsealed": self.unsealed,
            "first_broken": self.first_broken,
        }


def _broken(result: Verification, link: ChainLink, reason: str) -> Verification:
    result.ok = False
    result.first_broken = {
        "link": link.pk,
        "table": link.table,
        "history_id": link.history_id,
        "reason": reason,
    }
    return result


def verify_chain(*, chunk_size: int = 2000) -> Verification:
    """Walk the chain in order, recompute every hash from the rows as they are now, and name
    the first link that does not hold. Reads one chunk of links and one query per history
    table per chunk, so memory stays flat on long trails."""
    result = Verification()
    models = {m._meta.label: m for m in historical_models(migrated_only=True)}
    prev = GENESIS
    last_id = 0
    while True:
        links = list(ChainLink.objects.filter(pk__gt=last_id).order_by("pk")[:chunk_size])
        if not links:
            break
        wanted: dict[str, list[int]] = defaultdict(list)
        for link in links:
            wanted[link.table].append(link.history_id)
        rows = {
            (table, row.pk): row
            for table, ids in wanted.items()
            if table in models
            for row in models[table].objects.filter(pk__in=ids)
        }
        for link in links:
            if link.prev_hash != prev:
                return _broken(result, link, "the link does not follow its predecessor")
            row = rows.get((link.table, link.history_id))
            if row is None:
                return _broken(result, link, "the history row was deleted")
            if row_hash(row) != link.row_hash:
                return _broken(result, link, "the history row was altered")
            if link_hash(prev, link.row_hash) != link.chain_hash:
                return _broken(result, link, "the link's hash was altered")
            prev = link.chain_hash
            result.checked += 1
        last_id = links[-1].pk
    head = ChainHead.objects.filter(pk=1).first()
    if head is not None and result.ok and head.last_hash != prev:
        result.ok = False
        result.problems.append("the chain head does not match the last link: links were removed")
    total = sum(m.objects.count() for m in models.values())
    result.unsealed = max(total - result.checked, 0)
    return result


# --- PostgreSQL: history tables refuse UPDATE and DELETE ---------------------------------

GUARD_FUNCTION = """
CREATE OR REPLACE FUNCTION aims_history_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'history is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def guarded_tables() -> list[str]:
    return [m._meta.db_table for m in historical_models()] + [ChainLink._meta.db_table]


def install_history_guard(using: str = "default", **kwargs) -> int:
    """Install (idempotently) the trigger that refuses UPDATE and DELETE on every history
    table and on the chain. Runs after every migrate, so tables of new apps are covered."""
    if connection.vendor != "postgresql":
        return 0
    existing = set(connection.introspection.table_names())
    tables = [t for t in guarded_tables() if t in existing]
    with connection.cursor() as cursor:
        cursor.execute(GUARD_FUNCTION)
        for table in tables:
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"DROP TRIGGER IF EXISTS aims_append_only ON {quoted}")
            cursor.execute(
                f"CREATE TRIGGER aims_append_only BEFORE UPDATE OR DELETE ON {quoted} "
                "FOR EACH ROW EXECUTE FUNCTION aims_history_append_only()"
            )
    return len(tables)
