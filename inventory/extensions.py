"""Pages of higher apps that belong on an AI system's page (its risk profile, its
monitoring...). They register a link here in their AppConfig.ready(); the system page shows
each link the user may follow, so the inventory never imports them."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class SystemLink:
    order: int
    label: str
    url_name: str  # reversed with the system's pk
    permission: str = ""  # a global permission, or empty: anyone who can see the system


_links: list[SystemLink] = []


def register_system_link(link: SystemLink) -> None:
    if link not in _links:
        _links.append(link)
        _links.sort(key=lambda item: item.order)


def system_links(user, system) -> list[dict]:
    from django.urls import reverse

    return [
        {"label": link.label, "url": reverse(link.url_name, args=[system.pk])}
        for link in _links
        if not link.permission or user.has_perm(link.permission)
    ]


@dataclass(frozen=True)
class DecisionSection:
    """A part of the case an approver reads on the decision page, supplied by a higher app
    (the risk app: classification, tier requirements, risks, impact assessment).

    ``context(user, system, gate)`` returns what ``template`` shows; it reads through the
    app's own selectors and services, with a bounded number of queries."""

    order: int
    template: str
    context: Callable[[Any, Any, str | None], dict]


_decision_sections: list[DecisionSection] = []


def register_decision_section(section: DecisionSection) -> None:
    if section not in _decision_sections:
        _decision_sections.append(section)
        _decision_sections.sort(key=lambda item: item.order)


def decision_sections(user, system, gate: str | None) -> list[dict]:
    """Each registered section's template with its context, in order."""
    return [
        {"template": section.template, **section.context(user, system, gate)}
        for section in _decision_sections
    ]
