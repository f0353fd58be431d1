"""PostgreSQL keeps history append-only, whoever connects.

- every history table, the chain, the checkpoints and the adoptions refuse UPDATE, DELETE and
  TRUNCATE;
- a history row dated before its transaction began (less a small allowance for clocks) is
  refused: history is never back-dated;
- a history row that has no link in the chain when its transaction commits is refused (a
  deferred constraint trigger), so every row is sealed by the transaction that writes it;
- a link must follow the chain's head (next position, previous hash) and be sealed now.

Only a database superuser can get round this (by switching triggers off), and what such a
user changes is still found by the verifier and the signed checkpoints.
"""

from django.db import connection

from ..models import ChainLink, TrailAdoption, TrailCheckpoint
from .chain import GENESIS, historical_models, max_seal_delay_seconds

REFUSE = """
CREATE OR REPLACE FUNCTION aims_history_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'history is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""

NOT_BACKDATED = """
CREATE OR REPLACE FUNCTION aims_history_not_backdated() RETURNS trigger AS $$
BEGIN
    IF NEW.history_date < now() - make_interval(secs => TG_ARGV[0]::int) THEN
        RAISE EXCEPTION 'history is never back-dated: % row dated % refused', TG_TABLE_NAME,
            NEW.history_date USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""

MUST_BE_SEALED = """
CREATE OR REPLACE FUNCTION aims_history_must_be_sealed() RETURNS trigger AS $$
BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM {chain} WHERE "table" = TG_ARGV[0]
            AND history_id = (to_jsonb(NEW) ->> TG_ARGV[1])::bigint
    ) THEN
        RAISE EXCEPTION 'history row % of % is not sealed in the audit trail',
            to_jsonb(NEW) ->> TG_ARGV[1], TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""

FOLLOWS_HEAD = """
CREATE OR REPLACE FUNCTION aims_link_follows_head() RETURNS trigger AS $$
DECLARE
    last_position bigint;
    last_hash varchar;
BEGIN
    SELECT position, chain_hash INTO last_position, last_hash
        FROM {chain} ORDER BY position DESC LIMIT 1;
    IF NEW.position <> COALESCE(last_position, 0) + 1
       OR NEW.prev_hash <> COALESCE(last_hash, '{genesis}') THEN
        RAISE EXCEPTION 'audit-trail link % does not follow the head (position %)',
            NEW.position, COALESCE(last_position, 0) USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.sealed_at < now() - make_interval(secs => TG_ARGV[0]::int) THEN
        RAISE EXCEPTION 'audit-trail link % is back-dated', NEW.position
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""


def _columns(table: str) -> set[str]:
    with connection.cursor() as cursor:
        return {c.name for c in connection.introspection.get_table_description(cursor, table)}


def _append_only(cursor, quoted: str) -> None:
    cursor.execute(f"DROP TRIGGER IF EXISTS aims_append_only ON {quoted}")
    cursor.execute(
        f"CREATE TRIGGER aims_append_only BEFORE UPDATE OR DELETE ON {quoted} "
        "FOR EACH ROW EXECUTE FUNCTION aims_history_append_only()"
    )
    cursor.execute(f"DROP TRIGGER IF EXISTS aims_no_truncate ON {quoted}")
    cursor.execute(
        f"CREATE TRIGGER aims_no_truncate BEFORE TRUNCATE ON {quoted} "
        "FOR EACH STATEMENT EXECUTE FUNCTION aims_history_append_only()"
    )


def _history_inserts(cursor, model, quoted: str, delay: int) -> None:
    table = model._meta.db_table
    if "history_date" in _columns(table):
        cursor.execute(f"DROP TRIGGER IF EXISTS aims_not_backdated ON {quoted}")
        cursor.execute(
            f"CREATE TRIGGER aims_not_backdated BEFORE INSERT ON {quoted} FOR EACH ROW "
            f"EXECUTE FUNCTION aims_history_not_backdated('{delay}')"
        )
    cursor.execute(f"DROP TRIGGER IF EXISTS aims_must_be_sealed ON {quoted}")
    label, pk = model._meta.label, model._meta.pk.column
    cursor.execute(
        f"CREATE CONSTRAINT TRIGGER aims_must_be_sealed AFTER INSERT ON {quoted} "
        "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
        f"EXECUTE FUNCTION aims_history_must_be_sealed('{label}', '{pk}')"
    )


def install_history_guard(using: str = "default", **kwargs) -> int:
    """Install (idempotently) every trigger above. Runs after every migrate, so tables of new
    apps are covered; does nothing until the chain has its current shape."""
    if connection.vendor != "postgresql":
        return 0
    existing = set(connection.introspection.table_names())
    chain = ChainLink._meta.db_table
    if chain not in existing or "position" not in _columns(chain):
        return 0  # an older migration: the chain is rebuilt (and guarded) by a later one
    delay = max_seal_delay_seconds()
    history = [m for m in historical_models() if m._meta.db_table in existing]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(REFUSE)
        cursor.execute(NOT_BACKDATED)
        cursor.execute(MUST_BE_SEALED.format(chain=quote(chain)))
        cursor.execute(FOLLOWS_HEAD.format(chain=quote(chain), genesis=GENESIS))
        for model in history:
            quoted = quote(model._meta.db_table)
            _append_only(cursor, quoted)
            _history_inserts(cursor, model, quoted, delay)
        for model in (ChainLink, TrailCheckpoint, TrailAdoption):
            if model._meta.db_table in existing:
                _append_only(cursor, quote(model._meta.db_table))
        cursor.execute(f"DROP TRIGGER IF EXISTS aims_follows_head ON {quote(chain)}")
        cursor.execute(
            f"CREATE TRIGGER aims_follows_head BEFORE INSERT ON {quote(chain)} FOR EACH ROW "
            f"EXECUTE FUNCTION aims_link_follows_head('{delay}')"
        )
    return len(history)
