"""Pages of higher apps that belong on an AI system's page (its risk profile, its
monitoring...). They register a link here in their AppConfig.ready(); the system page shows
each link the user may follow, so the inventory never imports them."""

from dataclasses import dataclass


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
