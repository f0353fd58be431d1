"""Certification readiness, computed from the live statements and their evidence.

A requirement or control is ready when it has an owner, at least one current piece of
evidence that is in date today, and its implementation is "implemented". An Annex A control
excluded from the SoA with a justification counts as ready (there is nothing to implement).

Evidence is in date when it is current (not superseded by a newer version), its
``valid_from`` is empty or not after today and its ``valid_until`` is empty or not before
today.

Evidence may also come from ISO/IEC 27001: the in-date evidence of a 27001 control that
applies and is implemented (or partly) counts for a 42001 item when a *reviewed* mapping links
the two (``audits.iso27001.selectors.supporting_security_evidence``, one query); the item's
readiness names where it came from. Everything is read in four queries, whatever the size of
the catalogue.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Max, Q
from django.utils import timezone

from ..iso27001.selectors import Support, supporting_security_evidence
from ..models import CatalogueItem, ControlStatement
from .services import current_evidence

Implementation = ControlStatement.Implementation


@dataclass(frozen=True)
class EvidenceState:
    """Per statement: whether it has any current evidence, and whether some is in date."""

    any_current: set[int]
    in_date: set[int]
    latest_expiry: dict[int, date]  # statements with evidence, none in date: last expiry
    # statements whose in-date evidence (also) comes from ISO/IEC 27001 through a mapping
    via_security: dict[int, list[Support]] = field(default_factory=dict)


def evidence_state(*, statement_ids: Iterable[int] | None = None, today: date) -> EvidenceState:
    statement_ids = None if statement_ids is None else list(statement_ids)
    # One row per statement with evidence (the catalogue's size, not the evidence's): whether
    # some of it is in date today, and the last expiry among what has expired.
    in_date_q = (Q(valid_from__isnull=True) | Q(valid_from__lte=today)) & (
        Q(valid_until__isnull=True) | Q(valid_until__gte=today)
    )
    rows = (
        current_evidence(statement_ids)
        .order_by()
        .values("target_id")
        .annotate(
            in_date=Count("id", filter=in_date_q),
            expired=Max("valid_until", filter=Q(valid_until__lt=today)),
        )
        .values_list("target_id", "in_date", "expired")
    )
    any_current: set[int] = set()
    in_date: set[int] = set()
    expiry: dict[int, date] = {}
    for target_id, in_date_count, expired in rows:
        any_current.add(target_id)
        if in_date_count:
            in_date.add(target_id)
        elif expired is not None:
            expiry[target_id] = expired
    via_security = supporting_security_evidence(today=today, statement_ids=statement_ids)
    in_date |= set(via_security)
    return EvidenceState(
        any_current,
        in_date,
        {k: v for k, v in expiry.items() if k not in in_date},
        via_security,
    )


@dataclass(frozen=True)
class ItemReadiness:
    statement: ControlStatement
    has_owner: bool
    has_evidence: bool
    implemented: bool
    security_support: tuple[Support, ...] = ()

    @property
    def item(self) -> CatalogueItem:
        return self.statement.item

    @property
    def excluded(self) -> bool:
        return not self.statement.applicable

    @property
    def ready(self) -> bool:
        if self.excluded:
            return bool(self.statement.justification.strip())
        return self.has_owner and self.has_evidence and self.implemented

    @property
    def next_step(self) -> str:
        """What to do next to make it ready ("" when it is)."""
        if self.ready:
            return ""
        if self.excluded:
            return "Write the justification for excluding this control."
        missing = []
        if not self.has_owner:
            missing.append("name an owner")
        if not self.has_evidence:
            missing.append("attach in-date evidence")
        if not self.implemented:
            missing.append("implement it and mark it implemented")
        text = ", then ".join(missing)
        return text[0].upper() + text[1:] + "."


def assess(statement: ControlStatement, evidence: EvidenceState) -> ItemReadiness:
    return ItemReadiness(
        statement=statement,
        has_owner=statement.owner_id is not None,
        has_evidence=statement.pk in evidence.in_date,
        implemented=statement.implementation_status == Implementation.IMPLEMENTED,
        security_support=tuple(evidence.via_security.get(statement.pk, ())),
    )


def percent(ready: int, total: int) -> int:
    """Whole percent, rounded down: 100 only when everything is ready."""
    return (100 * ready) // total if total else 0


@dataclass
class GroupReadiness:
    code: str
    title: str
    items: list[ItemReadiness] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def ready(self) -> int:
        return sum(1 for i in self.items if i.ready)

    @property
    def percent(self) -> int:
        return percent(self.ready, self.total)

    @property
    def with_owner(self) -> int:
        return sum(1 for i in self.items if i.has_owner)

    @property
    def with_evidence(self) -> int:
        return sum(1 for i in self.items if i.has_evidence)

    @property
    def implemented(self) -> int:
        return sum(1 for i in self.items if i.implemented)

    @property
    def excluded(self) -> int:
        return sum(1 for i in self.items if i.excluded)


@dataclass
class Readiness:
    items: list[ItemReadiness]
    clauses: list[GroupReadiness]  # 4 to 10
    annex: list[GroupReadiness]  # A.2 ... A.10 objectives (A.6.1 and A.6.2 apart)
    today: date

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def ready(self) -> int:
        return sum(1 for i in self.items if i.ready)

    @property
    def percent(self) -> int:
        return percent(self.ready, self.total)

    @property
    def with_security_evidence(self) -> int:
        """Items whose in-date evidence comes (also) from ISO/IEC 27001 through a mapping."""
        return sum(1 for i in self.items if i.security_support)

    def part(self, kind: str) -> tuple[int, int, int]:
        """(ready, total, percent) of the clause requirements or of the Annex A controls."""
        items = [i for i in self.items if i.item.kind == kind]
        ready = sum(1 for i in items if i.ready)
        return ready, len(items), percent(ready, len(items))


def _group_code(item: CatalogueItem) -> str:
    if item.kind == CatalogueItem.Kind.CLAUSE:
        return item.code.split(".")[0]
    return item.parent.code if item.parent_id else item.code


def readiness(*, today: date | None = None) -> Readiness:
    """Readiness of every requirement and control, by clause and by Annex A objective."""
    today = today or timezone.localdate()
    statements = list(
        ControlStatement.objects.select_related("item__parent", "owner").order_by("item__sort_key")
    )
    evidence = evidence_state(today=today)
    headings = {
        h.code: h for h in CatalogueItem.objects.filter(is_heading=True).order_by("sort_key")
    }
    groups: dict[str, GroupReadiness] = {}
    items = []
    for statement in statements:
        state = assess(statement, evidence)
        items.append(state)
        code = _group_code(statement.item)
        if code not in groups:
            heading = headings.get(code)
            groups[code] = GroupReadiness(code, heading.title if heading else code)
        groups[code].items.append(state)
    ordered = sorted(
        groups.values(), key=lambda g: headings[g.code].sort_key if g.code in headings else g.code
    )
    return Readiness(
        items=items,
        clauses=[g for g in ordered if not g.code.startswith("A.")],
        annex=[g for g in ordered if g.code.startswith("A.")],
        today=today,
    )


def readiness_of(
    statements: list[ControlStatement], *, today: date | None = None
) -> dict[int, ItemReadiness]:
    """Readiness of a page of statements (one evidence query): statement pk -> readiness."""
    today = today or timezone.localdate()
    evidence = evidence_state(statement_ids=[s.pk for s in statements], today=today)
    return {s.pk: assess(s, evidence) for s in statements}
