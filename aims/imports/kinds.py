"""What can be imported. Each app declares its kinds beside its services (e.g.
``inventory.imports``) and registers them here, so the app owns its columns and rules."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from .reading import Row


class RowError(Exception):
    """A row (or one of its cells) refused, in words."""

    def __init__(self, column: str, message: str):
        super().__init__(message)
        self.column = column
        self.message = message


@dataclass
class Plan:
    """What committing one row will do: "create", "update" or "unchanged", and the call
    that does it (through the app's service) when it is not unchanged."""

    action: str
    apply: Callable[[], Any] | None = None
    errors: list[RowError] = field(default_factory=list)


@dataclass(frozen=True)
class Column:
    heading: str
    required: bool = False
    help: str = ""


@dataclass(frozen=True)
class Kind:
    """One kind of import. ``plan_rows(actor, rows, seen)`` plans a chunk of rows (one
    lookup query per chunk, not per row); ``seen`` carries the keys of earlier rows so a
    record named twice in one file is refused. ``may_import(user)`` says who may upload it;
    ``example`` is the template's example row (heading -> value)."""

    name: str
    label: str
    columns: tuple[Column, ...]
    plan_rows: Callable[[Any, list[Row], dict], list[Plan]]
    may_import: Callable[[Any], bool]
    example: dict[str, Any] = field(default_factory=dict)

    @property
    def headings(self) -> dict[str, bool]:
        return {c.heading: c.required for c in self.columns}


KINDS: dict[str, Kind] = {}


def register(*kinds: Kind) -> None:
    for kind in kinds:
        KINDS[kind.name] = kind


def kind_choices() -> list[tuple[str, str]]:
    _load()
    return [(k.name, k.label) for k in KINDS.values()]


def get_kind(name: str) -> Kind | None:
    _load()
    return KINDS.get(name)


def _load() -> None:
    # The apps' kinds are imported on first use: aims (the lower layer) never imports them
    # at import time.
    if not KINDS:
        from django.conf import settings
        from django.utils.module_loading import import_string

        for path in settings.IMPORT_KINDS:
            register(*import_string(path))


def all_kinds() -> Iterable[Kind]:
    _load()
    return KINDS.values()
