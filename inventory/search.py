"""The inventory in the global search (registered from InventoryConfig.ready)."""

from aims.people import display_name
from aims.search.registry import SearchType


def _rows(user):
    from .selectors import system_list

    return system_list(user=user)


def register() -> None:
    from aims.search.registry import register_searchable

    register_searchable(
        SearchType(
            key="inventory.aisystem",
            label="AI systems",
            register_label="AI system inventory",
            rows=_rows,
            title_field="name",
            text_fields=("purpose",),
            context=lambda s: f"{s.get_lifecycle_stage_display()} · Owner: {display_name(s.owner)}",
            detail_url="inventory:system_detail",
            register_url="inventory:system_list",
            order=10,
        )
    )
