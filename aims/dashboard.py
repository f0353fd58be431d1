"""The dashboard belongs to aims, but its panels come from the apps above it: each app
registers a panel in its AppConfig.ready(), so aims never imports a higher layer."""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest


@dataclass(frozen=True)
class Panel:
    order: int
    template: str
    context: Callable[[HttpRequest], dict | None]  # None: the panel does not apply to this user


_panels: list[Panel] = []


def register_panel(panel: Panel) -> None:
    if panel not in _panels:
        _panels.append(panel)
        _panels.sort(key=lambda p: p.order)


def panels_for(request: HttpRequest) -> list[tuple[str, dict]]:
    rendered = []
    for panel in _panels:
        context = panel.context(request)
        if context is not None:
            rendered.append((panel.template, context))
    return rendered
