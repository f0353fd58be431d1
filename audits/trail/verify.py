"""Verifying the audit trail: recompute every link from the rows as they are now and report
every problem, not only the first.

The walk reads the chain in chunks by position and each history table once per chunk, so
memory stays flat however long the chain is. Problems are counted in full; the first
``MAX_LISTED`` are kept with their details.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Model

from ..models import ChainLink
from .canonical import digest_values, hashed_fields
from .chain import GENESIS, historical_models, link_hash, max_seal_delay_seconds

MAX_LISTED = 1000
CHUNK = 5000
PARALLEL_FROM = 20_000  # shorter chains are walked in one process
LISTED_PER_TABLE = 20  # unsealed rows named per table; all are counted


@dataclass
class Problem:
    kind: str
    reason: str
    table: str | None = None
    history_id: int | None = None
    position: int | None = None
    at: datetime | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "reason": self.reason,
            "table": self.table,
            "history_id": self.history_id,
            "position": self.position,
            "at": self.at.isoformat() if self.at else None,
        }

    def __str__(self) -> str:
        where = []
        if self.position is not None:
            where.append(f"link {self.position}")
        if self.table:
            where.append(f"{self.table} row {self.history_id}")
        if self.at:
            where.append(f"{self.at:%Y-%m-%d %H:%M:%S} UTC")
        return f"{', '.join(where)}: {self.reason}" if where else self.reason


@dataclass
class Verification:
    checked: int = 0
    rows: int = 0
    unsealed: int = 0
    problem_count: int = 0
    problems: list[Problem] = field(default_factory=list)
    head: dict[str, Any] = field(default_factory=lambda: {"length": 0, "hash": GENESIS})
    checkpoints: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.problem_count == 0

    def add(self, problem: Problem) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_LISTED:
            self.problems.append(problem)

    def as_dict(self) -> dict[str, Any]:
        first = self.problems[0].as_dict() if self.problems else None
        return {
            "ok": self.ok,
            "checked": self.checked,
            "rows": self.rows,
            "unsealed": self.unsealed,
            "head": self.head,
            "checkpoints": self.checkpoints,
            "problem_count": self.problem_count,
            "problems": [p.as_dict() for p in self.problems],
            "problems_listed": len(self.problems),
            "first_broken": first,
        }


LINK_FIELDS = (
    "id",
    "position",
    "table",
    "history_id",
    "row_hash",
    "prev_hash",
    "chain_hash",
    "sealed_at",
    "adoption_id",
)


class _Walk:
    """State carried from one link to the next."""

    def __init__(self, result: Verification, watch: set[int], *, from_start: bool = True):
        self.result = result
        self.prev_hash = GENESIS
        self.position = 0
        self.sealed_at: datetime | None = None
        self.watch = watch
        self.seen: dict[int, str] = {}
        self.delay = timedelta(seconds=max_seal_delay_seconds())
        # A walk over a later slice of the chain takes its first link as given: where the
        # slice joins the one before is checked when the slices are put together.
        self.joined = from_start
        self.first: tuple[int, str] | None = None

    def link(self, link: dict, row: dict | None, model: type[Model] | None) -> None:
        result = self.result
        table, history_id, position = link["table"], link["history_id"], link["position"]

        def problem(kind: str, reason: str, at=None) -> None:
            result.add(Problem(kind, reason, table, history_id, position, at or link["sealed_at"]))

        if self.first is None:
            self.first = (position, link["prev_hash"])
        if not self.joined:
            self.joined = True
            self.position, self.prev_hash = position - 1, link["prev_hash"]
        if position != self.position + 1:
            missing = f"{self.position + 1}" + (
                f"-{position - 1}" if position - 1 > self.position + 1 else ""
            )
            problem("missing_link", f"links {missing} are missing from the chain")
        if link["prev_hash"] != self.prev_hash:
            problem("out_of_chain", "the link does not follow its predecessor")
        expected = link_hash(
            link["prev_hash"],
            position,
            table,
            history_id,
            link["row_hash"],
            link["sealed_at"],
            link["adoption_id"],
        )
        if expected != link["chain_hash"]:
            problem("link_altered", "the link's hash does not match its content")
        if model is None:
            problem("unknown_table", "the link names a table that does not exist")
        elif row is None:
            problem("row_deleted", "the history row was deleted")
        else:
            if digest_values(model, row) != link["row_hash"]:
                problem("row_altered", "the history row was altered", row.get("history_date"))
            self._dates(link, row, problem)
        if self.sealed_at and link["sealed_at"] < self.sealed_at - self.delay:
            problem("out_of_order", "sealed before the link that precedes it")
        if position in self.watch:
            self.seen[position] = link["chain_hash"]
        self.prev_hash, self.position = link["chain_hash"], position
        self.sealed_at = max(self.sealed_at or link["sealed_at"], link["sealed_at"])
        result.checked += 1

    def _dates(self, link: dict, row: dict, problem) -> None:
        dated = row.get("history_date")
        if dated is None or link["adoption_id"]:
            return  # adopted rows were checked against the head when they were adopted
        if dated < link["sealed_at"] - self.delay:
            late = link["sealed_at"] - dated
            problem("backdated", f"the row is dated {late} before it was sealed", dated)


def _rows_for(links: list[dict], models: dict[str, type[Model]]) -> dict[tuple, dict]:
    wanted: dict[str, list[int]] = defaultdict(list)
    for link in links:
        wanted[link["table"]].append(link["history_id"])
    rows = {}
    for table, ids in wanted.items():
        model = models.get(table)
        if model is None:
            continue
        names = [f.attname for f in hashed_fields(model)]
        pk = model._meta.pk.attname
        for row in model.objects.filter(pk__in=ids).values(*names):
            rows[(table, row[pk])] = row
    return rows


def _walk_chain(
    result: Verification,
    models: dict[str, type[Model]],
    watch: set[int],
    *,
    start: int = 0,
    stop: int | None = None,
) -> _Walk:
    """Walk the links with start < position <= stop (the whole chain by default)."""
    walk = _Walk(result, watch, from_start=start == 0)
    last = start
    while True:
        links = ChainLink.objects.filter(position__gt=last)
        if stop is not None:
            links = links.filter(position__lte=stop)
        links = list(links.order_by("position").values(*LINK_FIELDS)[:CHUNK])
        if not links:
            break
        rows = _rows_for(links, models)
        for link in links:
            key = (link["table"], link["history_id"])
            walk.link(link, rows.get(key), models.get(link["table"]))
        last = links[-1]["position"]
    result.head = {"length": walk.position, "hash": walk.prev_hash}
    return walk


@dataclass
class _Slice:
    """What a worker found in its slice of the chain."""

    result: Verification
    first: tuple[int, str] | None  # position and previous hash of its first link
    last: tuple[int, str]  # position and hash of its last link
    seen: dict[int, str]


def _walk_slice(bounds: tuple[int, int, set[int]]) -> _Slice:
    from django.db import connections

    start, stop, watch = bounds
    result = Verification()
    models = {m._meta.label: m for m in historical_models(migrated_only=True)}
    try:
        walk = _walk_chain(result, models, watch, start=start, stop=stop)
    finally:
        connections.close_all()
    return _Slice(result, walk.first, (walk.position, walk.prev_hash), walk.seen)


def _walk_in_parallel(result: Verification, watch: set[int], workers: int) -> dict[int, str]:
    """Split the chain into one slice per worker process, walk them side by side, then check
    that each slice begins where the one before it ends."""
    import multiprocessing

    from django.db import connections

    length = ChainLink.objects.order_by("-position").values_list("position", flat=True).first()
    size = -(-(length or 0) // workers)
    bounds = [(i * size, (i + 1) * size, watch) for i in range(workers)]
    connections.close_all()  # each process opens its own connection
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        slices = pool.map(_walk_slice, bounds)
    seen: dict[int, str] = {}
    prev = (0, GENESIS)
    for part in slices:
        if part.first is not None:
            position, prev_hash = part.first
            if position != prev[0] + 1:
                result.add(Problem("missing_link", f"links {prev[0] + 1}-{position - 1} are "
                                   "missing from the chain", position=position))  # fmt: skip
            if prev_hash != prev[1]:
                result.add(Problem("out_of_chain", "the link does not follow its predecessor",
                                   position=position))  # fmt: skip
            prev = part.last
        result.checked += part.result.checked
        result.problem_count += part.result.problem_count - len(part.result.problems)
        for problem in part.result.problems:
            result.add(problem)
        seen.update(part.seen)
    result.head = {"length": prev[0], "hash": prev[1]}
    return seen


def _unsealed(result: Verification, models: dict[str, type[Model]]) -> None:
    for label, model in models.items():
        result.rows += model.objects.count()
        links = ChainLink.objects.filter(table=label).values("history_id")
        dated = any(f.name == "history_date" for f in model._meta.concrete_fields)
        order = "history_date" if dated else "pk"  # many-to-many rows carry no date
        missing = model.objects.exclude(pk__in=links).order_by(order)
        listed = list(missing[: LISTED_PER_TABLE + 1].values("pk", order))
        count = len(listed) if len(listed) <= LISTED_PER_TABLE else missing.count()
        result.unsealed += count
        for row in listed[:LISTED_PER_TABLE]:
            result.add(
                Problem(
                    "unsealed",
                    "the history row is not sealed in the chain",
                    label,
                    row["pk"],
                    None,
                    row.get("history_date"),
                )
            )
        result.problem_count += max(count - LISTED_PER_TABLE, 0)


def _can_fork() -> bool:
    """Worker processes need their own connections to committed data: not inside a
    transaction, not on an in-memory database."""
    from django.db import connection

    if connection.in_atomic_block:
        return False
    return not (connection.vendor == "sqlite" and connection.is_in_memory_db())


def verify_chain(*, check_checkpoints: bool = True, workers: int = 1) -> Verification:
    """Walk the whole chain and report every problem found. ``workers`` > 1 splits a long
    chain between that many processes (the command line does; a web request does not)."""
    from .checkpoints import compare_checkpoints, load_checkpoints

    result = Verification()
    models = {m._meta.label: m for m in historical_models(migrated_only=True)}
    checkpoints = load_checkpoints(result) if check_checkpoints else []
    watch = {c.position for c in checkpoints}
    if (
        workers > 1
        and _can_fork()
        and ChainLink.objects.filter(position__gt=PARALLEL_FROM).exists()
    ):
        seen = _walk_in_parallel(result, watch, workers)
    else:
        seen = _walk_chain(result, models, watch).seen
    _unsealed(result, models)
    if check_checkpoints:
        compare_checkpoints(result, checkpoints, seen)
    return result
