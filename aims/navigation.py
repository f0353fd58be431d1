"""The main menu. Apps above aims register their entries in AppConfig.ready(), so the base
template never has to know which apps exist."""

from dataclasses import dataclass


@dataclass(frozen=True)
class NavItem:
    order: int
    label: str
    url_name: str
    permission: str = ""  # a global (role) permission; empty: every logged-in user
    app_name: str = ""  # highlight the item on every page of this URL namespace
    exclusive: bool = False  # highlight only on this exact URL name
    group: str = ""  # shown in a dropdown of that name (e.g. "Settings"), not on the bar


_items: list[NavItem] = []


def register_nav(item: NavItem) -> None:
    if item not in _items:
        _items.append(item)
        _items.sort(key=lambda i: i.order)


def nav_for(user, resolver_match) -> list[dict]:
    from django.urls import reverse

    current_name = resolver_match.view_name if resolver_match else ""
    current_app = resolver_match.app_name if resolver_match else ""
    exact = {item.url_name for item in _items if item.exclusive}
    entries = []
    for item in _items:
        if item.permission and not user.has_perm(item.permission):
            continue
        if item.exclusive:
            active = current_name == item.url_name
        else:
            active = current_name == item.url_name or (
                bool(item.app_name) and current_app == item.app_name and current_name not in exact
            )
        entries.append(
            {
                "label": item.label,
                "url": reverse(item.url_name),
                "active": active,
                "group": item.group,
            }
        )
    return entries


def nav_bar(entries: list[dict]) -> list[dict]:
    """Top-level entries, with grouped ones folded into one dropdown entry per group."""
    bar: list[dict] = []
    groups: dict[str, dict] = {}
    for entry in entries:
        if not entry["group"]:
            bar.append(entry)
            continue
        if entry["group"] not in groups:
            groups[entry["group"]] = {"label": entry["group"], "children": [], "active": False}
            bar.append(groups[entry["group"]])
        groups[entry["group"]]["children"].append(entry)
        groups[entry["group"]]["active"] |= entry["active"]
    return bar
