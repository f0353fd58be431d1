"""Sealing history rows into the hash chain.

Every history row is sealed in the transaction that writes it (signal receivers below), so a
row and its link commit together or not at all; on PostgreSQL a deferred trigger refuses to
commit a history row that has no link. Writers are serialised on the chain (an advisory lock
on PostgreSQL, the database lock on SQLite), and the unique position makes a fork impossible.
"""

import hashlib
from collections.abc import Iterable, Sequence
from datetime import datetime

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone
from simple_history.models import HistoricalChanges

from aims.errors import BusinessRuleError, RuleForbidden
from aims.history import stamp
from aims.permissions import has_global_perm

from ..errors import Code
from ..models import ChainLink, TrailAdoption
from .canonical import moment, row_digest

GENESIS = "0" * 64
CHAIN_LOCK_KEY = 4_200_142_001  # the advisory lock that serialises sealing on PostgreSQL


def historical_models(*, migrated_only: bool = False) -> list[type[Model]]:
    """Every history model: simple-history's records and its many-to-many records."""
    models = [m for m in apps.get_models() if issubclass(m, HistoricalChanges)]
    if migrated_only:  # an app whose migrations have not run yet has nothing to check
        existing = set(connection.introspection.table_names())
        models = [m for m in models if m._meta.db_table in existing]
    return models


def link_hash(
    prev_hash: str,
    position: int,
    table: str,
    history_id: int,
    row_hash: str,
    sealed_at: datetime,
    adoption_id: int | None,
) -> str:
    parts = (prev_hash, str(position), table, str(history_id), row_hash, moment(sealed_at))
    text = "|".join((*parts, str(adoption_id or "")))
    return hashlib.sha256(text.encode()).hexdigest()


def lock_chain() -> None:
    """Serialise sealing until the transaction ends."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])


def head() -> ChainLink | None:
    return ChainLink.objects.order_by("-position").first()


def head_summary() -> dict:
    last = head()
    return {
        "length": last.position if last else 0,
        "hash": last.chain_hash if last else GENESIS,
        "sealed_at": last.sealed_at.isoformat() if last else None,
    }


def seal_rows(rows: Sequence[Model], *, adoption: TrailAdoption | None = None) -> int:
    """Append a link for each of ``rows`` (history rows, in the order they happened)."""
    if not rows:
        return 0
    with transaction.atomic():
        lock_chain()
        last = head()
        prev, position = (last.chain_hash, last.position) if last else (GENESIS, 0)
        now = timezone.now()
        links = []
        for row in rows:
            position += 1
            link = ChainLink(
                position=position,
                table=row._meta.label,
                history_id=row.pk,
                row_hash=row_digest(row),
                prev_hash=prev,
                sealed_at=now,
                adoption=adoption,
            )
            link.chain_hash = prev = link_hash(
                link.prev_hash,
                position,
                link.table,
                link.history_id,
                link.row_hash,
                now,
                adoption.pk if adoption else None,
            )
            links.append(link)
        ChainLink.objects.bulk_create(links, batch_size=1000)
    return len(links)


def seal_on_create(sender, history_instance, **kwargs) -> None:
    """Signal receiver: seal a history row in the transaction that writes it."""
    seal_rows([history_instance])


def seal_m2m_on_create(sender, created_rows, **kwargs) -> None:
    """Signal receiver: seal the many-to-many history rows written with a parent record."""
    seal_rows(list(created_rows))


# --- adopting rows written without signals (bulk loads) ---------------------------------


READ_TRAIL = "audits.view_chainlink"  # verification, checkpoints, key, adoptions
SIGN_CHECKPOINT = "audits.add_trailcheckpoint"


def can_read_trail(user) -> bool:
    return has_global_perm(user, READ_TRAIL)


def can_sign_checkpoint(user) -> bool:
    return has_global_perm(user, SIGN_CHECKPOINT)


def can_adopt(user) -> bool:
    return has_global_perm(user, "audits.adopt_history")


def row_date(row: Model):
    """When a history row was written; a many-to-many row is dated by the record it belongs
    to."""
    dated = getattr(row, "history_date", None)
    if dated is None and hasattr(row, "history"):
        dated = row.history.history_date
    return dated


def unsealed_rows(limit: int | None = None) -> list[Model]:
    """History rows that have no link, oldest first."""
    pending: list[Model] = []
    for model in historical_models(migrated_only=True):
        sealed = ChainLink.objects.filter(table=model._meta.label).values("history_id")
        rows = model.objects.exclude(pk__in=sealed)
        if not hasattr(model, "history_date") and hasattr(model, "history"):
            rows = rows.select_related("history")  # the parent's date, in the same query
        pending += list(rows)
    pending.sort(key=lambda r: (row_date(r), r._meta.label, r.pk))
    return pending[:limit] if limit is not None else pending


def _refuse_backdated(rows: Iterable[Model], last: ChainLink | None) -> None:
    if last is None:
        return
    earlier = [row for row in rows if row_date(row) < last.sealed_at]
    if earlier:
        first = earlier[0]
        raise BusinessRuleError(
            f"{len(earlier)} of the rows are dated before the chain's head (link "
            f"{last.position}, sealed {last.sealed_at:%Y-%m-%d %H:%M:%S} UTC), for example "
            f"{first._meta.label} row {first.pk} dated {row_date(first):%Y-%m-%d %H:%M:%S}. "
            "Rows older than the head cannot be adopted: history is not back-dated.",
            code=Code.TRAIL_BACKDATED,
        )


def adopt_unsealed(*, actor, reason: str) -> TrailAdoption:
    """Seal every unsealed history row on ``actor``'s word, recorded as an adoption.

    Refused without the adoption permission, without a reason, with nothing to adopt, or when
    any row is dated before the chain's current head."""
    if not can_adopt(actor):
        raise RuleForbidden(
            "Only a governance officer may adopt history rows.", code=Code.PERMISSION_DENIED
        )
    if not reason.strip():
        raise BusinessRuleError("Say why these rows are genuine.", code=Code.REASON_REQUIRED)
    with transaction.atomic():
        lock_chain()
        rows = unsealed_rows()
        if not rows:
            raise BusinessRuleError(
                "Every history row is already sealed.", code=Code.NOTHING_TO_ADOPT
            )
        _refuse_backdated(rows, head())
        adoption = TrailAdoption(adopted_by=actor, reason=reason.strip(), rows=len(rows))
        stamp(adoption, actor=actor, reason=f"Adopted {len(rows)} unsealed history rows")
        adoption.save()
        seal_rows(rows, adoption=adoption)
    return adoption


def max_seal_delay_seconds() -> int:
    return int(getattr(settings, "AUDIT_TRAIL_MAX_SEAL_DELAY", 600))
