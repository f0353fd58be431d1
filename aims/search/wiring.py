"""Registrations of the global search: aims' own registers (called from aims.apps.ready()).
Higher apps register theirs from their own ``AppConfig.ready`` with
:func:`aims.search.registry.register_searchable`."""


def register() -> None:
    from .own_types import TYPES
    from .registry import register_searchable

    for search_type in TYPES:
        register_searchable(search_type)
