"""The sources of the daily figures: each app above aims registers one in its ready(), with
the figures it counts today, the charts drawn from them, and (optionally) the figures of a
past day computed from its records' dates and the top gaps for the executive summary."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass(frozen=True)
class Series:
    key: str  # a figure's key in DailySnapshot.figures
    label: str


@dataclass(frozen=True)
class Chart:
    key: str
    order: int
    title: str
    series: tuple[Series, ...]
    unit: str = ""  # "%" for a percentage, "" for a count
    # Series all zero over the period are left out (a chart of ten stages where two are in
    # use reads better as two lines); the table keeps every series shown.
    hide_empty: bool = False
    maximum: int | None = None  # a fixed top of the scale (100 for a percentage)
    # A breakdown of one population ("Tier", "Stage"): the executive summary shows it as a
    # table, today against 30 days ago, headed by this word.
    breakdown: str = ""


@dataclass(frozen=True)
class Source:
    name: str
    order: int  # where its charts and headline figures come on the pages
    # The permission that shows every record the figures count: the snapshot is
    # organisation-wide, so only a user holding every source's permission sees trends.
    permission: str
    figures: Callable[[date], dict[str, int]]
    charts: tuple[Chart, ...] = ()
    # The figures as they stood at the end of a past day, from the records' own dates
    # (None: the source keeps no dated trace and the demo history generates its series).
    as_of: Callable[[date], dict[str, int]] | None = None
    # The summary's top gaps for a viewer: [{"record", "message", "action", "severity"}].
    gaps: Callable[[Any, int], list[dict[str, str]]] | None = None
    headline: tuple[Series, ...] = field(default=())  # the summary's headline figures


_sources: dict[str, Source] = {}


def register_source(source: Source) -> None:
    _sources[source.name] = source


def sources() -> list[Source]:
    return sorted(_sources.values(), key=lambda s: s.order)


def charts() -> list[Chart]:
    return sorted((c for s in sources() for c in s.charts), key=lambda c: c.order)


def headline() -> list[Series]:
    return [h for s in sources() for h in s.headline]
