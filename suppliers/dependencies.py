"""How the suppliers app learns what depends on a supplier, without importing the apps above.

The inventory (which knows AI systems and their components) registers one provider in its
AppConfig.ready(). The suppliers app then asks it to list a supplier's dependents, to fan a
vendor change notice out to them, to react after an owner assesses a change, and which
systems a user may see. With no provider registered, a supplier has no known dependents.
"""

from dataclasses import dataclass, field
from typing import Any, Protocol

from django.db.models import QuerySet


@dataclass(frozen=True)
class Dependent:
    """One AI system that uses a supplier, with the components through which it does."""

    system_id: int
    reference: str
    name: str
    stage: str
    tier: str
    url: str
    components: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class SystemFacts:
    """What the suppliers' rules need to know of the system an impact flags."""

    owner_id: int | None
    high_tier: bool


class DependencyProvider(Protocol):
    def dependents(self, *, user, supplier) -> list[Dependent]:
        """The dependents of ``supplier`` that ``user`` may see."""

    def fan_out(self, *, actor, notice) -> None:
        """Flag every system depending on the notice's supplier that this notice has not
        flagged yet (one impact per system and notice; safe to call again)."""

    def after_assessment(self, *, actor, impact) -> None:
        """Apply an owner's assessment to the system (e.g. reopen its release gate)."""

    def restrict_impacts(self, *, user, queryset: QuerySet, codename: str) -> QuerySet:
        """The impacts on systems the user holds ``codename`` on (filtered in SQL)."""

    def still_under_review(self, *, queryset: QuerySet) -> QuerySet:
        """The impacts still keeping their system "change under review": not assessed yet,
        or assessed as needing the release gate, which has not been passed again."""

    def system_facts(self, *, impact) -> SystemFacts:
        """The owner and tier of the system ``impact`` flags."""

    def waiting_impacts(self, *, queryset: QuerySet) -> QuerySet:
        """The unassessed impacts that keep a high-tier deployed system waiting, annotated
        with ``system_owner_id``."""


_provider: DependencyProvider | None = None


def register_provider(provider: DependencyProvider) -> None:
    global _provider
    _provider = provider


def provider() -> DependencyProvider | None:
    return _provider
